using Keel.Core.Predictions;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;
using Npgsql;

namespace Keel.Storage.Tests.Predictions;

public sealed class PostgresPredictionStoreTests(PostgresServer server) : PredictionStoreComplianceTests
{
    private readonly PostgresTestDatabase _db = new(server);

    protected override async Task<IPredictionStore> CreateStoreAsync() => new PostgresPredictionStore(await _db.CreateAsync(TimeProvider.System));

    public override ValueTask DisposeAsync() => _db.DisposeAsync();

    [Fact]
    public async Task Append_FromSeparateConnectionPools_LikeSeparateProcesses_KeepsEveryRecord_AndStoresANewColumnListOnce()
    {
        // Four "processes" append batches of a model none of them has seen, at once, over many rounds.
        var others = new List<PostgresDatabase>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                others.Add(await PostgresDatabase.OpenAsync(_db.ConnectionString));
            }

            var stores = others.Select(d => new PostgresPredictionStore(d)).ToList();
            string[] columns = ["amount", "country"];
            await Task.WhenAll(stores.Select((s, p) => Task.Run(async () =>
            {
                for (var round = 0; round < 10; round++)
                {
                    await s.AppendAsync(Enumerable.Range(0, 50).Select(i => Record($"p{p}-{round}-{i}", 1000 + round, model: "fraud") with { InputColumns = columns, InputsJson = """[[1,"NL"]]""" }).ToList());
                }
            })));

            var items = (await Store.SearchAsync(new PredictionQuery("fraud", MaxResults: PredictionQuery.MaxPageSize))).Items;
            Assert.Equal(4 * 10 * 50, items.Select(i => i.Record.RequestId).Distinct().Count());
            Assert.All(items, i => Assert.Equal(columns, i.Record.InputColumns));
            Assert.Equal(1L, await ScalarAsync("SELECT COUNT(*) FROM prediction_input_columns"));
        }
        finally
        {
            foreach (var d in others)
            {
                await d.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Append_NulCharacters_WhichPostgresTextCannotHold_AreStoredAsReplacementCharacters()
    {
        var entry = new PredictionLogEntry("nul", "credit", "3", 1000, 10, 1, ["age", "job"], "[[1,\"a\0b\"]]"u8.ToArray(), "[1]"u8.ToArray());
        await Store.AppendAsync([entry, PredictionLogEntry.From(Record("ok", 1001))]);

        var items = (await Store.SearchAsync(new PredictionQuery("credit"))).Items;

        Assert.Equal("[[1,\"a\uFFFDb\"]]", items[0].Record.InputsJson);
        Assert.Equal("ok", items[1].Record.RequestId);
    }

    [Fact]
    public async Task Records_AndFeedback_SurviveARestart()
    {
        await Store.AppendAsync([Record("a", 1000, rows: 2)]);
        await Store.AddFeedbackAsync(PredictionFeedback.ForRow("a", System.Text.Json.JsonDocument.Parse("\"bad\"").RootElement, 1, 2000));

        var reopened = new PostgresPredictionStore(await _db.ReopenAsync(TimeProvider.System));

        var item = Assert.Single((await reopened.SearchAsync(new PredictionQuery("credit"))).Items);
        Assert.Equal(["age", "job"], item.Record.InputColumns);
        Assert.Equal("""[null,"bad"]""", item.LabelsJson);
    }

    [Theory]
    [InlineData("model_name = 'm'", "ix_prediction_log_model_time")]
    [InlineData("deployment = 'd'", "ix_prediction_log_deployment_time")]
    public async Task Search_ReadsPagesInIndexOrder_WithoutASort(string filter, string index)
    {
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using (var off = new NpgsqlCommand("SET enable_seqscan = off; SET enable_bitmapscan = off", connection))
        {
            await off.ExecuteNonQueryAsync();
        }

        await using var cmd = new NpgsqlCommand($"EXPLAIN SELECT id FROM prediction_log l WHERE {filter} AND l.timestamp >= 0 AND l.timestamp < 10 AND (l.timestamp, l.id) > (0, 5) AND l.error_code IS NULL ORDER BY l.timestamp, l.id LIMIT 101", connection);
        var plan = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            plan.Add(reader.GetString(0));
        }

        Assert.Contains(plan, p => p.Contains(index, StringComparison.Ordinal));
        Assert.DoesNotContain(plan, p => p.Contains("Sort", StringComparison.Ordinal));
    }

    private async Task<long> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_db.ConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return Convert.ToInt64(await cmd.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
