using Keel.Core.Deployments;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Deployments;

public sealed class SqliteDeploymentReplicaStoreTests : DeploymentReplicaStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-replicas-").FullName;
    private SqliteTrackingStore? _database;

    protected override Task<IDeploymentReplicaStore> CreateStoreAsync()
    {
        _database = Open();
        return Task.FromResult<IDeploymentReplicaStore>(new SqliteDeploymentReplicaStore(_database.Database));
    }

    private SqliteTrackingStore Open() => new(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), Clock);

    [Fact]
    public async Task Replicas_SurviveARestart()
    {
        await Store.RegisterAsync(new ReplicaReport("credit", "r1", "http://127.0.0.1:5101", "1", true, true, null), "1");
        await Store.AssignAsync("credit", "r1", "2");
        var before = Assert.Single(await Store.ListAsync("credit"));
        await _database!.DisposeAsync();
        SqliteConnection.ClearAllPools();

        _database = Open();
        Assert.Equal(before, Assert.Single(await new SqliteDeploymentReplicaStore(_database.Database).ListAsync("credit")));
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
}
