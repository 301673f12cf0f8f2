using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Deployments;

public sealed class SqliteDeploymentStoreTests : DeploymentStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-deployments-").FullName;
    private SqliteTrackingStore? _database;

    protected override Task<IDeploymentStore> CreateStoreAsync()
    {
        _database = Open();
        return Task.FromResult<IDeploymentStore>(new SqliteDeploymentStore(_database.Database));
    }

    protected override async Task<IReadOnlyList<RegistryEvent>> AuditTrailAsync(string model) =>
        (await new SqliteRegistryStore(_database!.Database, _database!.ArtifactRoot).ListEventsAsync(new RegistryEventQuery(model))).Items;

    private SqliteTrackingStore Open() => new(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), Clock);

    [Fact]
    public async Task Deployment_History_AndLease_SurviveARestart()
    {
        var t = DeploymentStateMachine.Create(DeploymentSpecValidator.Normalize(new DeploymentSpec { Name = "d", Model = "m", Version = "1", Steps = [new DeploymentStep { SetWeight = 5 }] }), 1);
        await Store.CreateAsync(t.Next, new DeploymentChange(t.Kind, null, "alice", null, null));
        var started = DeploymentStateMachine.Apply(t.Next with { Revision = 1 }, DeploymentSpecValidator.Normalize(new DeploymentSpec { Name = "d", Model = "m", Version = "2", Steps = [new DeploymentStep { SetWeight = 5 }] }), 2)!;
        var before = await Store.TryUpdateAsync(started.Next, 1, new DeploymentChange(started.Kind, started.From, "alice", null, null));
        await Store.TryAcquireLeaseAsync("deployments-controller", "node-a", TimeSpan.FromMinutes(1));
        await _database!.DisposeAsync();
        SqliteConnection.ClearAllPools();

        _database = Open();
        var reopened = new SqliteDeploymentStore(_database.Database);
        AssertSame(before!, await reopened.GetAsync("d"));
        Assert.Equal(2, (await reopened.ListEventsAsync("d", 10, null)).Items.Count);
        Assert.Equal("node-a", (await reopened.GetLeaseAsync("deployments-controller"))?.Holder);
        Assert.Null(await reopened.TryAcquireLeaseAsync("deployments-controller", "node-b", TimeSpan.FromMinutes(1)));
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
