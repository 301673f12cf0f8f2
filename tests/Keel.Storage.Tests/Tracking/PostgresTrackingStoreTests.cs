using Keel.Core.Tracking;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;

namespace Keel.Storage.Tests.Tracking;

public sealed class PostgresTrackingStoreTests(PostgresServer server) : TrackingStoreComplianceTests
{
    private readonly PostgresTestDatabase _db = new(server);

    protected override async Task<ITrackingStore> CreateStoreAsync() =>
        new PostgresTrackingStore(await _db.CreateAsync(TimeProvider.System), "/tmp/keel-artifacts");

    protected override async Task<ITrackingStore> ReopenStoreAsync(ITrackingStore store) =>
        new PostgresTrackingStore(await _db.ReopenAsync(TimeProvider.System), "/tmp/keel-artifacts");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _db.DisposeAsync();
    }

    [Fact]
    public async Task TwoProcesses_WritingOneRun_KeepEveryPoint_AndTheNewestAsLatest()
    {
        // A second PostgresDatabase has its own connection pool and its own log-metric group writer,
        // as another Keel process on the same database would.
        await using var other = await PostgresDatabase.OpenAsync(_db.ConnectionString);
        var second = new PostgresTrackingStore(other, "/tmp/keel-artifacts");
        var runId = (await Store.CreateRunAsync(new CreateRunCommand("0", "a", "shared", 1, null))).Info.RunId;
        var stores = new ITrackingStore[] { Store, second };
        var writes = new List<Task>();
        for (var i = 0; i < 200; i++)
        {
            writes.Add(stores[i % 2].LogMetricAsync(runId, new Metric("single", i, 10_000 + i, i)));
        }

        for (var b = 0; b < 10; b++)
        {
            var batch = Enumerable.Range(0, 100).Select(j => new Metric("bulk", j, 20_000 + (b * 100) + j, (b * 100) + j)).ToList();
            writes.Add(stores[b % 2].LogBatchAsync(runId, batch, [], []));
            writes.Add(stores[(b + 1) % 2].LogBatchAsync(runId, batch, [], [])); // the same points from the other process
        }

        await Task.WhenAll(writes);
        Assert.Equal(200, (await second.GetMetricHistoryAsync(runId, "single", int.MaxValue, null)).Items.Count);
        Assert.Equal(1000, (await Store.GetMetricHistoryAsync(runId, "bulk", int.MaxValue, null)).Items.Count);
        var latest = (await Store.GetRunAsync(runId)).Data.Metrics.ToDictionary(m => m.Key);
        Assert.Equal(new Metric("single", 199, 10_199, 199), latest["single"]);
        Assert.Equal(new Metric("bulk", 99, 20_999, 999), latest["bulk"]);
    }
}
