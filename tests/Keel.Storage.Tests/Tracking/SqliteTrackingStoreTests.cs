using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Tracking;

public sealed class SqliteTrackingStoreTests : TrackingStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-store-").FullName;

    private string DbPath => Path.Combine(_folder, "keel.db");

    protected override Task<ITrackingStore> CreateStoreAsync() =>
        Task.FromResult<ITrackingStore>(new SqliteTrackingStore(DbPath, Path.Combine(_folder, "artifacts"), TimeProvider.System));

    protected override async Task<ITrackingStore> ReopenStoreAsync(ITrackingStore store)
    {
        await ((SqliteTrackingStore)store).DisposeAsync();
        return await CreateStoreAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    [Fact]
    public async Task Database_IsInWalModeWithFullSync()
    {
        await using var connection = new SqliteConnection($"Data Source={DbPath}");
        await connection.OpenAsync();
        await using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", cmd.ExecuteScalar());
        Assert.Equal(Migrator.LatestVersion, Migrator.CurrentVersion(connection));
    }

    [Fact]
    public async Task DatabaseFromANewerKeel_IsRefusedWithAClearMessage()
    {
        await ((SqliteTrackingStore)Store).DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "INSERT INTO keel_schema (version, name, applied_at) VALUES (999, 'future', 0)";
            await cmd.ExecuteNonQueryAsync();
        }

        var e = Assert.Throws<KeelException>(() => new SqliteTrackingStore(DbPath, _folder, TimeProvider.System));
        Assert.Contains("newer than this Keel", e.Message, StringComparison.Ordinal);
        Assert.Contains("999", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SchemaChangedOutsideKeel_IsRefused()
    {
        await ((SqliteTrackingStore)Store).DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={DbPath};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "DROP INDEX ix_params_key_value";
            await cmd.ExecuteNonQueryAsync();
        }

        var e = Assert.Throws<KeelException>(() => new SqliteTrackingStore(DbPath, _folder, TimeProvider.System));
        Assert.Contains("ix_params_key_value", e.Message, StringComparison.Ordinal);
    }
}
