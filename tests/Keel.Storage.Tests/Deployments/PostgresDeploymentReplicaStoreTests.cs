using Keel.Core.Deployments;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;

namespace Keel.Storage.Tests.Deployments;

public sealed class PostgresDeploymentReplicaStoreTests(PostgresServer server) : DeploymentReplicaStoreComplianceTests
{
    private readonly PostgresTestDatabase _db = new(server);

    protected override async Task<IDeploymentReplicaStore> CreateStoreAsync() => new PostgresDeploymentReplicaStore(await _db.CreateAsync(Clock));

    [Fact]
    public async Task Replicas_SurviveARestart()
    {
        await Store.RegisterAsync(new ReplicaReport("credit", "r1", "http://127.0.0.1:5101", "1", true, true, null), "1");
        await Store.AssignAsync("credit", "r1", "2");
        var before = Assert.Single(await Store.ListAsync("credit"));

        var reopened = new PostgresDeploymentReplicaStore(await _db.ReopenAsync(Clock));
        Assert.Equal(before, Assert.Single(await reopened.ListAsync("credit")));
    }

    public override ValueTask DisposeAsync() => _db.DisposeAsync();
}
