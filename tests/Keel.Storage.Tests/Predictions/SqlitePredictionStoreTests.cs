using Keel.Core.Predictions;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Predictions;

public sealed class SqlitePredictionStoreTests : PredictionStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-predictions-").FullName;
    private SqliteTrackingStore? _database;

    protected override Task<IPredictionStore> CreateStoreAsync()
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        return Task.FromResult<IPredictionStore>(new SqlitePredictionStore(_database.Database));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Append_SharesTheWriterWithTracking_BothCommit()
    {
        var append = Store.AppendAsync(Enumerable.Range(0, 2000).Select(i => Record("r" + i, i)).ToList());
        var experiment = _database!.CreateExperimentAsync("while-logging", null, null);

        await Task.WhenAll(append, experiment);

        Assert.Equal("while-logging", (await _database.GetExperimentAsync(await experiment)).Name);
        Assert.Equal(2000, (await Store.SearchAsync(new PredictionQuery("credit", MaxResults: 5000))).Items.Count);
    }

    [Fact]
    public async Task Search_UsesTheModelTimeIndex()
    {
        await using var connection = new SqliteConnection("Data Source=" + Path.Combine(_folder, "keel.db"));
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "EXPLAIN QUERY PLAN SELECT id FROM prediction_log WHERE model_name = 'm' AND timestamp >= 0 AND timestamp < 10 ORDER BY timestamp, id";
        await using var reader = await cmd.ExecuteReaderAsync();
        var plan = new List<string>();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(3));
        }

        Assert.Contains(plan, p => p.Contains("ix_prediction_log_model_time", StringComparison.Ordinal));
        Assert.DoesNotContain(plan, p => p.Contains("TEMP B-TREE", StringComparison.Ordinal));
    }
}
