using Keel.Core.Errors;
using Keel.Storage.Sql;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Sqlite;

/// <summary>An empty or damaged database file stops the store at start with a clear error; a healthy one starts.</summary>
public sealed class DamagedStoreTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-damaged-").FullName;

    private string DbPath => Path.Combine(_folder, "keel.db");

    [Fact]
    public void EmptyDatabaseFile_IsRefusedWithWhatToDo_AndLeftUntouched()
    {
        File.WriteAllBytes(DbPath, []);

        var e = Assert.Throws<KeelException>(() => Open());

        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.Contains("is empty (0 bytes)", e.Message, StringComparison.Ordinal);
        Assert.Contains("delete the file to start with a new, empty store", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(DbPath).Length);
    }

    [Fact]
    public async Task GarbageInTheMiddleOfTheFile_IsDetectedAtStart()
    {
        await CreateMultiPageStoreAsync();
        WriteGarbageInTheMiddle();

        var e = Assert.Throws<KeelException>(() => Open());

        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.Contains("is damaged", e.Message, StringComparison.Ordinal);
        Assert.Contains("keel admin check", e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public async Task GarbageInTheMiddleOfTheFile_WithoutTheStartupCheck_StartsUnnoticed()
    {
        // Why the check exists: opening and migrating read only the first pages.
        await CreateMultiPageStoreAsync();
        WriteGarbageInTheMiddle();

        await using var store = Open(SqliteStartupCheck.None);

        Assert.NotNull(store);
    }

    [Fact]
    public async Task GarbageInTheMiddleOfTheFile_TheDefaultAutoCheck_CatchesItInAStoreUnderTheLimit_AndSkipsABiggerOne()
    {
        await CreateMultiPageStoreAsync();
        WriteGarbageInTheMiddle();
        Assert.Equal(SqliteStartupCheck.Auto, new SqliteStoreOptions().StartupCheck);

        var e = Assert.Throws<KeelException>(() => new SqliteTrackingStore(DbPath, _folder, TimeProvider.System));
        Assert.Contains("is damaged", e.Message, StringComparison.Ordinal);

        await using var skipped = new SqliteTrackingStore(DbPath, _folder, TimeProvider.System, new SqliteStoreOptions { AutoCheckMaxBytes = 1 << 20 });
        Assert.NotNull(skipped);
    }

    [Fact]
    public async Task GarbageInTheMiddleOfTheFile_IsReportedByTheFullCheck()
    {
        await CreateMultiPageStoreAsync();
        WriteGarbageInTheMiddle();

        var report = SqliteStoreCheck.Run(DbPath);

        Assert.False(report.Healthy);
        Assert.NotEmpty(report.Checks.Single(c => c.Name == "integrity").Problems);
    }

    [Fact]
    public async Task HealthyMultiPageStore_Starts_AndPassesTheFullCheck()
    {
        await CreateMultiPageStoreAsync();

        await using (var store = Open(SqliteStartupCheck.Full))
        {
            Assert.Equal("Default", (await store.GetExperimentAsync("0")).Name);
        }

        SqliteConnection.ClearAllPools();
        var report = SqliteStoreCheck.Run(DbPath);
        Assert.True(report.Healthy, string.Join("; ", report.Checks.SelectMany(c => c.Problems)));
        Assert.Equal(Migrator.LatestVersion, report.SchemaVersion);
        Assert.Equal(["integrity", "foreign_keys", "schema"], report.Checks.Select(c => c.Name));
    }

    [Fact]
    public async Task FullCheck_ReportsForeignKeyViolationsAndSchemaChanges()
    {
        await CreateMultiPageStoreAsync();
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False;Foreign Keys=False"))
        {
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "INSERT INTO params (run_key, key, value) VALUES (424242, 'k', 'v'); CREATE TABLE extra (x)";
            await cmd.ExecuteNonQueryAsync();
        }

        var report = SqliteStoreCheck.Run(DbPath);

        Assert.True(report.Checks.Single(c => c.Name == "integrity").Ok);
        Assert.Contains("params: a row refers to a missing runs row", Assert.Single(report.Checks.Single(c => c.Name == "foreign_keys").Problems), StringComparison.Ordinal);
        Assert.Contains("unexpected: extra", Assert.Single(report.Checks.Single(c => c.Name == "schema").Problems), StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    private SqliteTrackingStore Open(SqliteStartupCheck check = SqliteStartupCheck.Quick) =>
        new(DbPath, Path.Combine(_folder, "artifacts"), TimeProvider.System, new SqliteStoreOptions { StartupCheck = check });

    /// <summary>A store of about 4 MB (one run, 60 000 metric rows), closed so the WAL is checkpointed into the file.</summary>
    private async Task CreateMultiPageStoreAsync()
    {
        await Open().DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = """
                INSERT INTO runs (run_key, run_uuid, experiment_id, name, user_id, status, start_time, artifact_uri)
                VALUES (1, 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa', 0, 'r', 'u', 'RUNNING', 0, 'mlflow-artifacts:/0/r');
                WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < 59999)
                INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan)
                SELECT 1, 'metric-' || (i % 10), i, 1000 + i, i, i * 0.5, 0 FROM n;
                PRAGMA wal_checkpoint(TRUNCATE);
                """;
            await cmd.ExecuteNonQueryAsync();
        }

        SqliteConnection.ClearAllPools();
        Assert.True(new FileInfo(DbPath).Length > 2_000_000, "the store should span many pages");
    }

    /// <summary>4 KB of fixed pseudo-random bytes written at the middle of the file.</summary>
    private void WriteGarbageInTheMiddle()
    {
        var garbage = new byte[4096];
        new Random(20261206).NextBytes(garbage);
        using var file = new FileStream(DbPath, FileMode.Open, FileAccess.Write);
        file.Position = file.Length / 2;
        file.Write(garbage);
    }
}
