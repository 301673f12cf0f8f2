using Keel.Core.Errors;
using Keel.Storage.Postgres;
using Keel.Testing.Postgres;
using Npgsql;

namespace Keel.Storage.Tests.Postgres;

/// <summary>Opening a PostgreSQL store: migrations from empty, at once from many processes, and the start-up schema check.</summary>
public sealed class PostgresDatabaseTests(PostgresServer server) : IAsyncLifetime
{
    private string _cs = "";

    public async ValueTask InitializeAsync() => _cs = await server.CreateDatabaseAsync();

    public async ValueTask DisposeAsync() => await server.DropDatabaseAsync(_cs);

    private async Task<object?> ScalarAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(_cs);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        return await cmd.ExecuteScalarAsync();
    }

    [Fact]
    public async Task Open_OfAnEmptyDatabase_AppliesEveryMigration_AndRecordsEachVersion()
    {
        await using var database = await PostgresDatabase.OpenAsync(_cs);

        Assert.Equal(PostgresMigrator.LatestVersion, database.SchemaVersion);
        Assert.Equal((long)PostgresMigrator.Versions.Count, await ScalarAsync("SELECT COUNT(*) FROM keel_schema"));
        Assert.Equal("monitoring", await ScalarAsync("SELECT name FROM keel_schema WHERE version = 5"));
    }

    [Fact]
    public async Task Open_FromManyProcessesAtOnce_MigratesOnce_AndEveryOneOpens()
    {
        // Each open has its own data source (its own sessions), as separate keel processes would;
        // the advisory lock orders them, so one migrates and the others find the schema current.
        var opened = await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => PostgresDatabase.OpenAsync(_cs))));
        try
        {
            Assert.All(opened, d => Assert.Equal(PostgresMigrator.LatestVersion, d.SchemaVersion));
            Assert.Equal((long)PostgresMigrator.Versions.Count, await ScalarAsync("SELECT COUNT(*) FROM keel_schema"));
        }
        finally
        {
            foreach (var d in opened)
            {
                await d.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task Open_OfANewerSchema_IsRefused_AndChangesNothing()
    {
        await (await PostgresDatabase.OpenAsync(_cs)).DisposeAsync();
        var newer = PostgresMigrator.LatestVersion + 1;
        await ScalarAsync($"INSERT INTO keel_schema (version, name, applied_at) VALUES ({newer}, 'from_the_future', 0)");

        var e = await Assert.ThrowsAsync<KeelException>(() => PostgresDatabase.OpenAsync(_cs));

        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.Contains($"version {newer}, newer than this Keel supports ({PostgresMigrator.LatestVersion})", e.Message, StringComparison.Ordinal);
        Assert.Equal(newer, await ScalarAsync("SELECT MAX(version) FROM keel_schema"));
    }

    [Theory]
    [InlineData("ALTER TABLE deployments DROP COLUMN reason", "missing or different: column deployments.reason")]
    [InlineData("ALTER TABLE monitor_windows ALTER COLUMN requests TYPE integer", "column monitor_windows.requests")]
    [InlineData("CREATE TABLE deployments_backup (name text)", "unexpected: column deployments_backup.name")]
    [InlineData("DROP INDEX ix_monitor_windows_end", "missing or different: index monitor_windows.ix_monitor_windows_end")]
    public async Task Open_OfASchemaChangedOutsideKeel_IsRefused_NamingTheDifference(string change, string named)
    {
        await (await PostgresDatabase.OpenAsync(_cs)).DisposeAsync();
        await ScalarAsync(change);

        var e = await Assert.ThrowsAsync<KeelException>(() => PostgresDatabase.OpenAsync(_cs));

        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.Contains("changed outside Keel", e.Message, StringComparison.Ordinal);
        Assert.Contains(named, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Open_ByURI_OverTcp_Works()
    {
        var database = new NpgsqlConnectionStringBuilder(_cs).Database;
        await using var opened = await PostgresDatabase.OpenAsync($"postgresql://keel@127.0.0.1:{server.Port}/{database}?application_name=keel-test");
        Assert.Equal(PostgresMigrator.LatestVersion, opened.SchemaVersion);
    }
}
