using System.Diagnostics;
using Keel.Core.Errors;
using Keel.Core.Predictions;
using Keel.Server.Serving;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Server.Tests.Serving;

/// <summary>The background pruner on a fake clock over a real SQLite store: no sleeping, time is advanced by the test.</summary>
public sealed class PredictionLogRetentionTests : IAsyncLifetime
{
    private static readonly DateTimeOffset Start = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-retention-").FullName;
    private readonly FakeTimeProvider _clock = new(Start);
    private SqliteTrackingStore _database = null!;
    private SqlitePredictionStore _store = null!;

    public ValueTask InitializeAsync()
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        _store = new SqlitePredictionStore(_database.Database);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private static PredictionLogRecord At(string id, DateTimeOffset time) =>
        new(id, "bc", "1", time.ToUnixTimeMilliseconds(), 10, 1, ["x"], "[[1]]", "[0.5]");

    private async Task<List<string>> IdsAsync()
    {
        try
        {
            return (await _store.SearchAsync(new PredictionQuery("bc"), TestContext.Current.CancellationToken)).Items.Select(i => i.Record.RequestId).ToList();
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return [];
        }
    }

    private static async Task Eventually(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < TimeSpan.FromSeconds(20), "Timed out waiting for " + what);
            await Task.Delay(10, TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public async Task Pruner_AtStartAndEveryInterval_DeletesWhatIsPastMaxAge_KeepsTheRest()
    {
        var options = new PredictionLogOptions { MaxAge = TimeSpan.FromDays(7), MaxBytes = 0, PruneInterval = TimeSpan.FromHours(1) };
        await _store.AppendAsync([At("8-days-old", Start.AddDays(-8)), At("6-days-old", Start.AddDays(-6)), At("now", Start)], TestContext.Current.CancellationToken);
        using var pruner = new PredictionLogRetention(_store, options, _clock, NullLogger<PredictionLogRetention>.Instance);

        await pruner.StartAsync(TestContext.Current.CancellationToken);
        await Eventually(() => pruner.Passes == 1, "the pass at start-up");
        Assert.Equal(["6-days-old", "now"], await IdsAsync());

        // A day and an hour later the 6-day-old record is past 7 days: the next tick deletes it.
        _clock.Advance(TimeSpan.FromHours(25));
        await Eventually(() => pruner.Passes >= 2, "the next tick");
        Assert.Equal(["now"], await IdsAsync());
        Assert.Equal(2, pruner.Pruned);
        await pruner.StopAsync(TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Pruner_NoLimits_NeverTouchesTheStore()
    {
        var options = new PredictionLogOptions { MaxAge = TimeSpan.Zero, MaxBytes = 0 };
        await _store.AppendAsync([At("ancient", Start.AddYears(-5))], TestContext.Current.CancellationToken);
        using var pruner = new PredictionLogRetention(_store, options, _clock, NullLogger<PredictionLogRetention>.Instance);

        Assert.Null(await pruner.PruneOnceAsync(TestContext.Current.CancellationToken));
        Assert.Equal(["ancient"], await IdsAsync());
    }

    [Fact]
    public void Options_RetentionAndBufferLimits_AreCheckedAtStart()
    {
        var e = Assert.Throws<InvalidOperationException>(() => new PredictionLogOptions { MaxAge = TimeSpan.FromDays(-1), MaxBytes = -1, MaxBufferBytes = 0, PruneInterval = TimeSpan.Zero, PruneBatchSize = 0, InputsMode = (PredictionInputsMode)9 }.Validate());
        foreach (var name in new[] { "MaxAge", "MaxBytes", "MaxBufferBytes", "PruneInterval", "PruneBatchSize", "InputsMode" })
        {
            Assert.Contains(name, e.Message, StringComparison.Ordinal);
        }
    }
}
