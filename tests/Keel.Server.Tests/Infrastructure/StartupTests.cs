using Keel.Core.Errors;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Server.Tests.Infrastructure;

public sealed class StartupTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-startup-").FullName;

    [Fact]
    public async Task DatabaseFromANewerKeel_StopsTheServerAtStartup()
    {
        var db = Path.Combine(_folder, "keel.db");
        await (new SqliteTrackingStore(db, _folder, TimeProvider.System)).DisposeAsync();
        await using (var connection = new SqliteConnection($"Data Source={db};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var cmd = connection.CreateCommand();
            cmd.CommandText = "INSERT INTO keel_schema (version, name, applied_at) VALUES (99, 'future', 0)";
            await cmd.ExecuteNonQueryAsync();
        }

        var e = Assert.Throws<KeelException>(() => KeelServerApp.Build([], o =>
        {
            o.Port = 0;
            o.BackendStoreUri = "sqlite:///" + db;
            o.ArtifactsUri = Path.Combine(_folder, "artifacts");
        }));
        Assert.Contains("newer than this Keel", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyDatabaseFile_StopsTheServerAtStartup_InsteadOfBecomingANewStore()
    {
        var db = Path.Combine(_folder, "keel.db");
        File.WriteAllBytes(db, []);

        var e = Assert.Throws<KeelException>(() => KeelServerApp.Build([], o =>
        {
            o.Port = 0;
            o.BackendStoreUri = "sqlite:///" + db;
            o.ArtifactsUri = Path.Combine(_folder, "artifacts");
        }));

        Assert.Equal(ErrorCode.InvalidState, e.Code);
        Assert.Contains("is empty (0 bytes)", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, new FileInfo(db).Length);
    }

    [Fact]
    public void UnsupportedBackendUri_IsAClearError()
    {
        var e = Assert.Throws<KeelException>(() => KeelServerApp.Build([], o =>
        {
            o.Port = 0;
            o.BackendStoreUri = "mysql://localhost/keel";
            o.ArtifactsUri = Path.Combine(_folder, "artifacts");
        }));
        Assert.Contains("mysql", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
