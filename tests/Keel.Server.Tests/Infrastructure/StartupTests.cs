using Keel.Core.Artifacts;
using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Monitoring;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Core.Serving;
using Keel.Core.Storage;
using Keel.Core.Tracking;
using Keel.Storage.Sqlite;
using Keel.Stores;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

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

    [Fact]
    public async Task Server_OpensEveryStoreThroughTheStoreFactory_OnOneDatabase()
    {
        var db = Path.Combine(_folder, "keel.db");
        var app = KeelServerApp.Build([], o =>
        {
            o.Port = 0;
            o.BackendStoreUri = "sqlite:///" + db;
            o.ArtifactsUri = Path.Combine(_folder, "artifacts");
        });
        await using (app)
        {
            var services = app.Services;
            var stores = services.GetRequiredService<KeelStores>();
            Assert.Equal(db, Assert.IsType<SqliteDatabase>(stores.Database).DatabasePath);
            Assert.Same(stores.Tracking, services.GetRequiredService<ITrackingStore>());
            Assert.Same(stores.Registry, services.GetRequiredService<IRegistryStore>());
            Assert.Same(stores.Predictions, services.GetRequiredService<IPredictionStore>());
            Assert.Same(stores.ServedModels, services.GetRequiredService<IServedModelStore>());
            Assert.Same(stores.Deployments, services.GetRequiredService<IDeploymentStore>());
            Assert.Same(stores.Leases, services.GetRequiredService<ILeaseStore>());
            Assert.Same(stores.Replicas, services.GetRequiredService<IDeploymentReplicaStore>());
            Assert.Same(stores.Monitoring, services.GetRequiredService<IMonitoringStore>());
            Assert.Same(stores.Artifacts, services.GetRequiredService<IArtifactStore>());
            Assert.Same(stores.Health, services.GetRequiredService<StorageHealth>());
        }
    }

    [Theory]
    [InlineData("postgresql+asyncpg://keel@127.0.0.1/keel", "the driver 'asyncpg' is not supported")]
    [InlineData("Host=127.0.0.1;Database=keel;Password=s3cret", "is not a URI")]
    public void BackendUriKeelCannotOpen_StopsTheServerWithAClearError(string uri, string message)
    {
        var e = Assert.Throws<KeelException>(() => KeelServerApp.Build([], o =>
        {
            o.Port = 0;
            o.BackendStoreUri = uri;
            o.ArtifactsUri = Path.Combine(_folder, "artifacts");
        }));

        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", e.Message, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
