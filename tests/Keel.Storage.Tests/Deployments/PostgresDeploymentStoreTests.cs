using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;

namespace Keel.Storage.Tests.Deployments;

public sealed class PostgresDeploymentStoreTests(PostgresServer server) : DeploymentStoreComplianceTests
{
    private readonly PostgresTestDatabase _db = new(server);

    protected override async Task<IDeploymentStore> CreateStoreAsync() => new PostgresDeploymentStore(await _db.CreateAsync(Clock));

    protected override async Task<IReadOnlyList<RegistryEvent>> AuditTrailAsync(string model) =>
        (await new PostgresRegistryEvents(_db.Database!).ListEventsAsync(new RegistryEventQuery(model))).Items;

    [Fact]
    public async Task Deployment_History_AndLease_SurviveARestart()
    {
        var t = DeploymentStateMachine.Create(DeploymentSpecValidator.Normalize(new DeploymentSpec { Name = "d", Model = "m", Version = "1", Steps = [new DeploymentStep { SetWeight = 5 }] }), 1);
        await Store.CreateAsync(t.Next, new DeploymentChange(t.Kind, null, "alice", null, null));
        await Store.TryAcquireLeaseAsync("deployments-controller", "node-a", TimeSpan.FromMinutes(1));
        var before = await Store.GetAsync("d");

        var reopened = new PostgresDeploymentStore(await _db.ReopenAsync(Clock));
        AssertSame(before, await reopened.GetAsync("d"));
        Assert.Single((await reopened.ListEventsAsync("d", 10, null)).Items);
        Assert.Equal("node-a", (await reopened.GetLeaseAsync("deployments-controller"))?.Holder);
        Assert.Null(await reopened.TryAcquireLeaseAsync("deployments-controller", "node-b", TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public async Task Lease_ContendersInSeparateConnectionPools_LikeSeparateProcesses_ExactlyOneHoldsItAtATime()
    {
        // Each contender has its own PostgresDatabase (its own pool and sessions), as a separate
        // keel process would; they race for the lease over many rounds, each round after expiry.
        var others = new List<PostgresDatabase>();
        try
        {
            for (var i = 0; i < 4; i++)
            {
                others.Add(await PostgresDatabase.OpenAsync(_db.ConnectionString, Clock));
            }

            var stores = others.Select(d => new PostgresDeploymentStore(d)).ToList();
            for (var round = 0; round < 10; round++)
            {
                var results = await Task.WhenAll(stores.Select((s, i) => Task.Run(() => s.TryAcquireLeaseAsync("controller", $"node-{i}-{round}", TimeSpan.FromSeconds(15)))));
                var holder = Assert.Single(results, r => r is not null)!;
                Assert.Equal(holder.Holder, (await Store.GetLeaseAsync("controller"))?.Holder);
                var renewals = await Task.WhenAll(stores.Select((s, i) => s.RenewLeaseAsync("controller", $"node-{i}-{round}", TimeSpan.FromSeconds(15))));
                Assert.Equal(holder.Holder, Assert.Single(renewals, r => r is not null)!.Holder);
                Clock.Advance(TimeSpan.FromSeconds(15));
            }
        }
        finally
        {
            foreach (var d in others)
            {
                await d.DisposeAsync();
            }
        }
    }

    public override ValueTask DisposeAsync() => _db.DisposeAsync();
}
