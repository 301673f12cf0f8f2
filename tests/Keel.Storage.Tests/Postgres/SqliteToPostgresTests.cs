using Keel.Core.Errors;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Core.Serving;
using Keel.Core.Tracking;
using Keel.Storage.Postgres;
using Keel.Storage.Postgres.Transfer;
using Keel.Storage.Sqlite;
using Keel.Testing.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Keel.Storage.Tests.Postgres;

/// <summary><c>keel admin migrate-store</c>'s engine: a real SQLite store moved into a real, empty PostgreSQL database.</summary>
public sealed class SqliteToPostgresTests(PostgresServer server) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-move-").FullName;
    private readonly List<string> _databases = [];

    private string SqlitePath => Path.Combine(_folder, "keel.db");

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    [Fact]
    public async Task AStoreWithEveryKindOfRecord_MovesVerified_TableByTable()
    {
        await FillSqliteStoreAsync();
        var target = await EmptyDatabaseAsync();

        var report = await SqliteToPostgres.MoveAsync(SqlitePath, target);

        Assert.True(report.Committed);
        Assert.All(report.Tables, t => Assert.True(t.Verified, t.ToString()));
        foreach (var table in new[] { "experiments", "runs", "params", "metrics", "latest_metrics", "tags", "datasets", "inputs", "registered_models", "model_versions", "registered_model_aliases", "registry_events", "prediction_log", "prediction_feedback", "served_models" })
        {
            Assert.True(Assert.Single(report.Tables, t => t.Table == table).TargetRows > 0, table);
        }

        Assert.Contains(report.Skipped, s => s.Table == "keel_schema");
        Assert.Equal(await SqliteCountAsync("metrics"), await PostgresCountAsync(target, "metrics"));
        Assert.Equal(await SqliteCountAsync("registry_events"), await PostgresCountAsync(target, "registry_events"));

        // The PostgreSQL stores read the moved store as SQLite did, and carry on where it stopped.
        await using var sqlite = new SqliteTrackingStore(SqlitePath, Path.Combine(_folder, "artifacts"), TimeProvider.System);
        await using var db = await PostgresDatabase.OpenAsync(target);
        var tracking = new PostgresTrackingStore(db, Path.Combine(_folder, "artifacts"));
        var registry = new PostgresRegistryStore(db, Path.Combine(_folder, "artifacts"));
        var before = await sqlite.SearchRunsAsync(new RunSearchQuery(["0", "1"], null, ViewType.All, 100));
        foreach (var run in before.Items)
        {
            Assert.Equal(System.Text.Json.JsonSerializer.Serialize(run), System.Text.Json.JsonSerializer.Serialize(await tracking.GetRunAsync(run.Info.RunId)));
            Assert.Equal(
                (await sqlite.GetMetricHistoryAsync(run.Info.RunId, "loss", 1000, null)).Items,
                (await tracking.GetMetricHistoryAsync(run.Info.RunId, "loss", 1000, null)).Items);
        }

        Assert.Equal("2", (await registry.GetModelVersionByAliasAsync("credit", "champion")).Version);
        var next = await registry.CreateModelVersionAsync(new CreateModelVersionCommand("credit", before.Items[0].Info.ArtifactUri + "/model", null, null, null, null, null), new Actor("dave"));
        Assert.Equal("4", next.Version);
        var experiment = await tracking.CreateExperimentAsync("after-the-move", null, null);
        Assert.Equal("2", experiment);
        var live = before.Items.First(r => r.Info.LifecycleStage == "active").Info.RunId;
        await tracking.LogMetricAsync(live, new Metric("loss", 0.001, 1_800_000_000_000, 999));
        Assert.Equal(201, (await tracking.GetMetricHistoryAsync(live, "loss", 1000, null)).Items.Count);
    }

    [Fact]
    public async Task ATargetThatAlreadyHoldsKeelData_IsRefused_AndKeepsItsData()
    {
        await FillSqliteStoreAsync();
        var target = await EmptyDatabaseAsync();
        await using (var db = await PostgresDatabase.OpenAsync(target))
        {
            await new PostgresServedModelStore(db).UpsertAsync(new ServedModelEntry("already-here", "models:/m/1"));
        }

        var e = await Assert.ThrowsAsync<KeelException>(() => SqliteToPostgres.MoveAsync(SqlitePath, target));

        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.Contains("already holds Keel data (in served_models)", e.Message, StringComparison.Ordinal);
        Assert.Equal(1, await PostgresCountAsync(target, "served_models"));
        Assert.Equal(0, await PostgresCountAsync(target, "runs"));
    }

    [Fact]
    public async Task ARowChangedOnTheWayIn_FailsVerification_AndNothingIsCommitted()
    {
        await FillSqliteStoreAsync();
        var target = await EmptyDatabaseAsync();
        await (await PostgresDatabase.OpenAsync(target)).DisposeAsync();

        // A trigger (not part of the schema check) that rewrites what COPY inserts: the checksum must see it.
        await ExecuteAsync(target, """
            CREATE FUNCTION tamper() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN NEW.model_uri := upper(NEW.model_uri); RETURN NEW; END $$;
            CREATE TRIGGER tamper BEFORE INSERT ON served_models FOR EACH ROW EXECUTE FUNCTION tamper();
            """);

        var report = await SqliteToPostgres.MoveAsync(SqlitePath, target);

        Assert.False(report.Committed);
        var served = Assert.Single(report.Tables, t => t.Table == "served_models");
        Assert.False(served.Verified);
        Assert.Equal(served.SourceRows, served.TargetRows);
        Assert.NotEqual(served.SourceChecksum, served.TargetChecksum);
        Assert.All(report.Tables.Where(t => t.Table != "served_models"), t => Assert.True(t.Verified, t.Table));
        Assert.Equal(0, await PostgresCountAsync(target, "served_models"));
        Assert.Equal(0, await PostgresCountAsync(target, "metrics"));
    }

    [Fact]
    public async Task AValuePostgresCannotHold_StopsTheMove_BeforeAnythingIsCommitted()
    {
        await FillSqliteStoreAsync();
        var target = await EmptyDatabaseAsync();
        await using (var connection = new SqliteConnection($"Data Source={SqlitePath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "UPDATE served_models SET model_uri = 'models:/m/1' || char(0) || 'x'";
            await cmd.ExecuteNonQueryAsync();
        }

        var e = await Assert.ThrowsAsync<KeelException>(() => SqliteToPostgres.MoveAsync(SqlitePath, target));

        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.StartsWith("served_models.model_uri holds 'models:/m/1", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, await PostgresCountAsync(target, "experiments"));
        Assert.Equal(0, await PostgresCountAsync(target, "served_models"));
    }

    [Fact]
    public async Task AMissingSourceFile_IsNotFound_AndCreatesNothing()
    {
        var e = await Assert.ThrowsAsync<KeelException>(() => SqliteToPostgres.MoveAsync(SqlitePath, "postgresql://nobody@127.0.0.1:1/none"));

        Assert.Equal(ErrorCode.ResourceDoesNotExist, e.Code);
        Assert.False(File.Exists(SqlitePath));
    }

    private async Task FillSqliteStoreAsync()
    {
        var clock = TimeProvider.System;
        await using var tracking = new SqliteTrackingStore(SqlitePath, Path.Combine(_folder, "artifacts"), clock);
        var registry = new SqliteRegistryStore(tracking.Database, tracking.ArtifactRoot);
        var experiment = await tracking.CreateExperimentAsync("moved", null, [new ExperimentTag("team", "risk")]);
        string? lastRun = null;
        for (var r = 0; r < 3; r++)
        {
            var run = await tracking.CreateRunAsync(new CreateRunCommand(experiment, "alice", $"run-{r}", 1_700_000_000_000 + r, [new RunTag("mlflow.source.name", "train.py")]));
            lastRun = run.Info.RunId;
            var metrics = Enumerable.Range(0, 200).Select(s => new Metric("loss", 1.0 / (s + 1), 1_700_000_000_000 + s, s))
                .Append(new Metric("odd", double.NaN, 1_700_000_000_000, 0))
                .Append(new Metric("odd", double.PositiveInfinity, 1_700_000_000_001, 1))
                .Append(new Metric("odd", -0.0, 1_700_000_000_002, 2))
                .ToList();
            await tracking.LogBatchAsync(lastRun, metrics, [new Param("lr", "0.1"), new Param("text", "héllo \"quoted\" ✓")], [new RunTag("note", "line1\nline2")]);
            await tracking.LogInputsAsync(lastRun, [new DatasetInput([new InputTag("mlflow.data.context", "training")], new Dataset("credit", "abc" + r, "local", "{\"uri\":\"credit.csv\"}", "{\"cols\":[]}", null))]);
        }

        await tracking.DeleteRunAsync(lastRun!);
        await registry.CreateRegisteredModelAsync("credit", [new RegisteredModelTag("owner", "risk")], "a model", new Actor("alice", "first"));
        for (var v = 0; v < 3; v++)
        {
            await registry.CreateModelVersionAsync(new CreateModelVersionCommand("credit", $"runs:/{lastRun}/model", lastRun, null, null, null, null), new Actor("alice"));
        }

        await registry.TransitionStageAsync("credit", "1", "Production", false, new Actor("bob", "go live"));
        await registry.TransitionStageAsync("credit", "2", "Production", true, new Actor("bob", "better"));
        await registry.SetAliasAsync("credit", "champion", "2", new Actor("bob"));
        await registry.DeleteModelVersionAsync("credit", "3", new Actor("carol", "bad"));
        await new SqliteServedModelStore(tracking.Database).UpsertAsync(new ServedModelEntry("credit", "models:/credit@champion"));
        var predictions = new SqlitePredictionStore(tracking.Database);
        await predictions.AppendAsync([
            new PredictionLogRecord("req-1", "credit", "2", 1_700_000_000_000, 120, 2, ["a", "b"], "[[1,2.5],[3,null]]", "[0.1,0.9]"),
            new PredictionLogRecord("req-2", "credit", "2", 1_700_000_000_500, 80, 1, ["a", "b"], "[[4,5]]", "[]") { ErrorCode = "INVALID_PARAMETER_VALUE" },
        ]);
        await predictions.AddFeedbackAsync(new PredictionFeedback("req-1", "[1,0]", 2, null, 1_700_000_001_000));
    }

    private async Task<string> EmptyDatabaseAsync()
    {
        var cs = await server.CreateDatabaseAsync();
        _databases.Add(cs);
        return cs;
    }

    private async Task<long> SqliteCountAsync(string table)
    {
        await using var connection = new SqliteConnection($"Data Source={SqlitePath};Mode=ReadOnly;Pooling=False");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = $"SELECT COUNT(*) FROM {table}";
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task<long> PostgresCountAsync(string cs, string table)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"SELECT COUNT(*) FROM {table}", connection);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    private static async Task ExecuteAsync(string cs, string sql)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        await cmd.ExecuteNonQueryAsync();
    }

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        foreach (var cs in _databases)
        {
            await server.DropDatabaseAsync(cs);
        }

        Directory.Delete(_folder, recursive: true);
    }
}
