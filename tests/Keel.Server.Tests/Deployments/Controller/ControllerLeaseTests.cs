using Keel.Core.Deployments;
using Keel.Server.Deployments.Controller;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Server.Tests.Deployments.Controller;

/// <summary>Several servers on one store: only the holder of the <c>deployments-controller</c> lease acts.</summary>
public sealed class ControllerLeaseTests : IAsyncDisposable
{
    private readonly ControllerRig _rig = new();

    private DeploymentController NewController() =>
        new(_rig.Service, _rig.NewReconciler(), _rig.Feed, _rig.Options, _rig.Clock, NullLogger<DeploymentController>.Instance);

    private async Task StartRolloutAsync(string name)
    {
        var spec = await _rig.CreateAsync(name, 2, new DeploymentSpec { Strategy = "canary", Steps = [new DeploymentStep { SetWeight = 10 }, new DeploymentStep { Pause = new PauseStep { Duration = "1h" } }] });
        await _rig.Service.ApplyAsync(spec with { Version = "2" }, ControllerRig.Alice);
    }

    private Task IdleDeploymentAsync(string name) =>
        _rig.CreateAsync(name, 1, new DeploymentSpec { Strategy = "canary", Steps = [new DeploymentStep { SetWeight = 10 }] });

    [Fact]
    public async Task AnEmptyStore_IsNeverWritten_AndAnIdleLeader_RenewsOnlyOnceHalfItsLeaseRanOut()
    {
        using var a = NewController();
        for (var i = 0; i < 3; i++)
        {
            await a.TickAsync(CancellationToken.None);
        }

        Assert.False(a.IsLeader);
        Assert.Null(await _rig.Store.GetLeaseAsync(DeploymentControllerOptions.LeaseName));

        await IdleDeploymentAsync("zero");
        await a.TickAsync(CancellationToken.None);
        var taken = (await _rig.Store.GetLeaseAsync(DeploymentControllerOptions.LeaseName))!;
        _rig.Clock.Advance(_rig.Options.LeaseDuration / 4);
        await a.TickAsync(CancellationToken.None);
        Assert.Equal(taken, await _rig.Store.GetLeaseAsync(DeploymentControllerOptions.LeaseName));

        _rig.Clock.Advance(_rig.Options.LeaseDuration / 2);
        await a.TickAsync(CancellationToken.None);
        var renewed = (await _rig.Store.GetLeaseAsync(DeploymentControllerOptions.LeaseName))!;
        Assert.True(a.IsLeader);
        Assert.True(renewed.ExpiresAt > taken.ExpiresAt, "the lease is renewed once less than half of it is left");
    }

    [Fact]
    public async Task TwoControllersOnOneStore_OnlyTheLeaseHolderActs()
    {
        using var a = NewController();
        using var b = NewController();
        await IdleDeploymentAsync("zero");
        await a.TickAsync(CancellationToken.None);
        await StartRolloutAsync("one");

        for (var i = 0; i < 3; i++)
        {
            await b.TickAsync(CancellationToken.None);
        }

        Assert.False(b.IsLeader);
        Assert.Equal(0, (await _rig.Service.GetAsync("one")).StepIndex);

        await a.TickAsync(CancellationToken.None);
        await a.TickAsync(CancellationToken.None);
        Assert.True(a.IsLeader);
        Assert.Equal(1, (await _rig.Service.GetAsync("one")).StepIndex);
        Assert.Equal(a.Holder, (await _rig.Store.GetLeaseAsync(DeploymentControllerOptions.LeaseName))!.Holder);
    }

    [Fact]
    public async Task WhenTheHolderDies_AnotherServerTakesOver_AfterTheLeaseExpires_AndContinues()
    {
        using var a = NewController();
        using var b = NewController();
        await StartRolloutAsync("two");
        await a.TickAsync(CancellationToken.None); // a leads (and warms); then a "dies": it never ticks again
        await b.TickAsync(CancellationToken.None);
        Assert.False(b.IsLeader);

        _rig.Clock.Advance(_rig.Options.LeaseDuration + TimeSpan.FromMilliseconds(1));
        await b.TickAsync(CancellationToken.None);
        await b.TickAsync(CancellationToken.None);

        Assert.True(b.IsLeader);
        Assert.Equal((1, 10), ((await _rig.Service.GetAsync("two")).StepIndex, (await _rig.Service.GetAsync("two")).CandidateWeight));
        await a.TickAsync(CancellationToken.None);
        Assert.False(a.IsLeader);
    }

    [Fact]
    public async Task AControllerThatStops_GivesTheLeaseUp_SoAnotherTakesItAtOnce()
    {
        var a = NewController();
        using var b = NewController();
        await IdleDeploymentAsync("zero");
        await a.StartAsync(CancellationToken.None);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (!a.IsLeader && DateTime.UtcNow < deadline)
        {
            await Task.Delay(10);
        }

        Assert.True(a.IsLeader);
        await a.StopAsync(CancellationToken.None);
        a.Dispose();

        await b.TickAsync(CancellationToken.None);
        Assert.True(b.IsLeader);
    }

    public async ValueTask DisposeAsync() => await _rig.DisposeAsync();
}
