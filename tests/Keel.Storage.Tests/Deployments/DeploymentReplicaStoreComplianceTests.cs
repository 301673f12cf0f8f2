using Keel.Core.Deployments;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Storage.Tests.Deployments;

/// <summary>Every behaviour an <see cref="IDeploymentReplicaStore"/> must have, whatever the backend.</summary>
public abstract class DeploymentReplicaStoreComplianceTests : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    protected IDeploymentReplicaStore Store { get; private set; } = null!;

    /// <summary>A new, empty backend using <see cref="Clock"/>.</summary>
    protected abstract Task<IDeploymentReplicaStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public abstract ValueTask DisposeAsync();

    private long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    private static ReplicaReport Report(string id, string? served = null, bool ready = false, bool healthy = true, string deployment = "credit", string? detail = null, string? failed = null) =>
        new(deployment, id, $"http://127.0.0.1:51{id.Length:D2}", served, ready, healthy, detail, failed);

    [Fact]
    public async Task Register_AssignsTheGivenVersion_AndStampsTheStoreClock()
    {
        var r = await Store.RegisterAsync(Report("r1"), "3");
        Assert.Equal("credit", r.Deployment);
        Assert.Equal("r1", r.ReplicaId);
        Assert.Equal("3", r.DesiredVersion);
        Assert.Null(r.ServedVersion);
        Assert.Equal(Now, r.RegisteredAt);
        Assert.Equal(Now, r.LastHeartbeatAt);
        Assert.Equal(Now, r.AssignedAt);
        Assert.Null(r.ConvergedAt);
        Assert.Equal([r], await Store.ListAsync("credit"));
    }

    [Fact]
    public async Task Register_Again_KeepsTheAssignment_AndTakesTheNewReport()
    {
        await Store.RegisterAsync(Report("r1"), "3");
        await Store.AssignAsync("credit", "r1", "4");
        Clock.Advance(TimeSpan.FromSeconds(5));
        var again = await Store.RegisterAsync(Report("r1", served: "4", ready: true), "3");
        Assert.Equal("4", again.DesiredVersion);
        Assert.Equal("4", again.ServedVersion);
        Assert.Equal(Now, again.LastHeartbeatAt);
        Assert.Equal(Now, again.ConvergedAt);
        Assert.Single(await Store.ListAsync("credit"));
    }

    [Fact]
    public async Task Heartbeat_OfAnUnknownReplica_IsNull_AndWritesNothing()
    {
        Assert.Null(await Store.HeartbeatAsync(Report("ghost", served: "1", ready: true)));
        Assert.Empty(await Store.ListAsync("credit"));
    }

    [Fact]
    public async Task Heartbeat_ConvergesOnlyOnTheAssignment_ReadyAndHealthy_AndKeepsTheFirstTime()
    {
        await Store.RegisterAsync(Report("r1"), "2");
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null((await Store.HeartbeatAsync(Report("r1", served: "1", ready: true)))!.ConvergedAt);
        Assert.Null((await Store.HeartbeatAsync(Report("r1", served: "2", ready: false)))!.ConvergedAt);
        Assert.Null((await Store.HeartbeatAsync(Report("r1", served: "2", ready: true, healthy: false)))!.ConvergedAt);
        var converged = await Store.HeartbeatAsync(Report("r1", served: "2", ready: true));
        var since = Now;
        Assert.Equal(since, converged!.ConvergedAt);
        Clock.Advance(TimeSpan.FromSeconds(10));
        var later = await Store.HeartbeatAsync(Report("r1", served: "2", ready: true));
        Assert.Equal(since, later!.ConvergedAt);
        Assert.Equal(Now, later.LastHeartbeatAt);

        // Draining (ready false) ends it; the next ready heartbeat starts it again.
        Assert.Null((await Store.HeartbeatAsync(Report("r1", served: "2", ready: false)))!.ConvergedAt);
        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(Now, (await Store.HeartbeatAsync(Report("r1", served: "2", ready: true)))!.ConvergedAt);
    }

    [Fact]
    public async Task Heartbeat_KeepsWhatTheReplicaSaid()
    {
        await Store.RegisterAsync(Report("r1"), "2");
        var r = await Store.HeartbeatAsync(Report("r1", served: "1", ready: true, healthy: false, detail: "model.zip is not a zip file", failed: "2"));
        Assert.Equal("1", r!.ServedVersion);
        Assert.True(r.Ready);
        Assert.False(r.Healthy);
        Assert.Equal("model.zip is not a zip file", r.Detail);
        Assert.Equal("2", r.FailedVersion);
        Assert.Equal(r, Assert.Single(await Store.ListAsync("credit")));
    }

    [Fact]
    public async Task Assign_ANewVersion_ClearsConvergence_AndStampsIt_TheSameVersionChangesNothing()
    {
        await Store.RegisterAsync(Report("r1", served: "1", ready: true), "1");
        var before = Assert.Single(await Store.ListAsync("credit"));
        Assert.NotNull(before.ConvergedAt);
        Clock.Advance(TimeSpan.FromSeconds(3));
        Assert.Equal(before, await Store.AssignAsync("credit", "r1", "1"));

        var moved = await Store.AssignAsync("credit", "r1", "2");
        Assert.Equal("2", moved!.DesiredVersion);
        Assert.Equal(Now, moved.AssignedAt);
        Assert.Null(moved.ConvergedAt);
        Assert.Null(await Store.AssignAsync("credit", "nobody", "2"));
    }

    [Fact]
    public async Task List_IsPerDeployment_ById()
    {
        await Store.RegisterAsync(Report("r2"), "1");
        await Store.RegisterAsync(Report("r1"), "1");
        await Store.RegisterAsync(Report("r1", deployment: "other"), "7");
        Assert.Equal(["r1", "r2"], (await Store.ListAsync("credit")).Select(r => r.ReplicaId));
        Assert.Equal("7", Assert.Single(await Store.ListAsync("other")).DesiredVersion);
        Assert.Empty(await Store.ListAsync("nobody"));
    }

    [Fact]
    public async Task Expire_ForgetsOnlyTheSilent()
    {
        await Store.RegisterAsync(Report("old"), "1");
        Clock.Advance(TimeSpan.FromSeconds(50));
        await Store.RegisterAsync(Report("new"), "1");
        Clock.Advance(TimeSpan.FromSeconds(20));
        Assert.Equal(1, await Store.ExpireAsync(TimeSpan.FromMinutes(1)));
        Assert.Equal(["new"], (await Store.ListAsync("credit")).Select(r => r.ReplicaId));
        Assert.Null(await Store.HeartbeatAsync(Report("old")));
        Assert.Equal(0, await Store.ExpireAsync(TimeSpan.FromMinutes(1)));
    }
}
