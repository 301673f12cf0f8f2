using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Tracking;
using Keel.Storage.Sqlite;
using Keel.Testing.Postgres;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Keel.Cli.Tests.Cli;

/// <summary><c>keel admin migrate-store</c>: exit 0 moved and verified, 2 when it cannot run (nothing written).</summary>
public sealed class AdminMigrateStoreCommandTests(PostgresServer postgres) : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-migrate-store-").FullName;

    private string DbPath => Path.Combine(_folder, "keel.db");

    [Fact]
    public async Task MovesALocalStore_PrintsEveryTableVerified_AndExits0()
    {
        await using (var store = new SqliteTrackingStore(DbPath, Path.Combine(_folder, "artifacts"), TimeProvider.System))
        {
            var run = await store.CreateRunAsync(new CreateRunCommand("0", "alice", "r", null, null));
            await store.LogBatchAsync(run.Info.RunId, [new Metric("loss", 0.5, 1, 0), new Metric("loss", 0.25, 2, 1)], [new Param("lr", "0.1")], []);
        }

        var cs = await postgres.CreateDatabaseAsync();
        var b = new NpgsqlConnectionStringBuilder(cs);
        var uri = $"postgresql://{b.Username}@/{b.Database}?host={Uri.EscapeDataString(b.Host!)}&port={b.Port}";

        var result = await CliRun.RunAsync(["admin", "migrate-store", "--from", "sqlite:///" + DbPath, "--to", uri]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Matches(@"^\s*metrics\s+2\s+[0-9a-f]{32}\s+yes\s*$", Assert.Single(result.Lines, l => l.TrimStart().StartsWith("metrics ", StringComparison.Ordinal)));
        Assert.Contains("every table verified", result.Lines[^1], StringComparison.Ordinal);
        Assert.Contains("metrics: 2 rows, verified", result.Error, StringComparison.Ordinal);
        await postgres.DropDatabaseAsync(cs);
    }

    [Theory]
    [InlineData("--to", "mysql://localhost/keel", "--to must be a postgresql:// URI")]
    [InlineData("--from", "http://localhost:5000", "--from must be a sqlite:/// store")]
    public async Task AnythingButSqliteToPostgres_IsAnError_Exits2_AndCreatesNothing(string option, string value, string message)
    {
        string[] args = option == "--to"
            ? ["admin", "migrate-store", "--from", "sqlite:///" + DbPath, "--to", value]
            : ["admin", "migrate-store", "--from", value, "--to", "postgresql://keel@localhost/keel"];

        var result = await CliRun.RunAsync(args);

        CliRun.AssertOneLineError(result, 2, message);
        Assert.False(File.Exists(DbPath));
    }

    [Fact]
    public async Task AMissingSourceFile_IsAnError_Exits2_AndCreatesNothing()
    {
        var result = await CliRun.RunAsync(["admin", "migrate-store", "--from", "sqlite:///" + DbPath, "--to", "postgresql://keel@127.0.0.1:1/keel"]);

        CliRun.AssertOneLineError(result, 2, "No SQLite store at");
        Assert.False(File.Exists(DbPath));
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
