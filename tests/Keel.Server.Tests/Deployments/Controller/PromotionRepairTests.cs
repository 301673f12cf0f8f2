using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Server.Deployments.Controller;

namespace Keel.Server.Tests.Deployments.Controller;

/// <summary>A promotion writes the deployment, then moves the alias; a crash between them must not leave production behind.</summary>
public sealed class PromotionRepairTests : IAsyncDisposable
{
    private FailingAliasRegistry _control = null!;
    private readonly ControllerRig _rig;

    public PromotionRepairTests() => _rig = new ControllerRig(wrapRegistry: inner =>
    {
        var (registry, control) = FailingAliasRegistry.Wrap(inner);
        _control = control;
        return registry;
    });

    [Fact]
    public async Task CrashBetweenPromotionAndAliasMove_IsRepairedByTheController_ThroughTheGuard_AndAudited()
    {
        var spec = await _rig.CreateAsync("gap", 2, new DeploymentSpec { Strategy = "canary", Steps = [new DeploymentStep { SetWeight = 10 }, new DeploymentStep { Pause = new PauseStep() }] });
        await _rig.Service.ApplyAsync(spec with { Version = "2" }, ControllerRig.Alice);
        _control.FailuresLeft = 1;

        await Assert.ThrowsAsync<IOException>(() => _rig.Service.PromoteAsync("gap", ControllerRig.Alice));
        Assert.Equal(("2", "1"), ((await _rig.Service.GetAsync("gap")).StableVersion, (await _rig.Registry.GetModelVersionByAliasAsync("gap", "production")).Version));

        Assert.Equal([ReconcileAction.ProductionRepaired], await _rig.SettleAsync("gap"));

        Assert.Equal("2", (await _rig.Registry.GetModelVersionByAliasAsync("gap", "production")).Version);
        var repaired = (await _rig.HistoryAsync("gap"))[^1];
        Assert.Equal(("production_repaired", "keel-controller", DeploymentState.Promoted), (repaired.Kind, repaired.User, repaired.ToState));
        Assert.Contains("alias 'production' pointed at version 1", repaired.Reason, StringComparison.Ordinal);
        var trail = (await _rig.Registry.ListEventsAsync(new RegistryEventQuery("gap"))).Items;
        Assert.Contains(trail, e => e.Kind == "deployment_production_repaired");
        var aliasMove = trail.Last(e => e.Kind == "alias_set");
        Assert.Equal("keel-controller", aliasMove.User);
        Assert.Contains("repair", aliasMove.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProductionAlreadyRight_IsLeftAlone_AndRecordsNothing()
    {
        await _rig.CreateAsync("fine", 1, new DeploymentSpec { Strategy = "canary", Steps = [new DeploymentStep { SetWeight = 10 }] });
        var before = (await _rig.HistoryAsync("fine")).Count;

        Assert.Empty(await _rig.SettleAsync("fine"));
        Assert.Equal(before, (await _rig.HistoryAsync("fine")).Count);
    }

    [Fact]
    public async Task AStageThatMissesTheStableVersion_IsMovedBack()
    {
        await _rig.CreateAsync("staged", 2, new DeploymentSpec { Strategy = "canary", Stage = "Production", Steps = [new DeploymentStep { SetWeight = 10 }] });
        await _rig.Registry.TransitionStageAsync("staged", "2", "Production", archiveExistingVersions: true, ControllerRig.Alice);

        Assert.Equal([ReconcileAction.ProductionRepaired], await _rig.SettleAsync("staged"));
        Assert.Equal(["1"], (await _rig.Registry.GetLatestVersionsAsync("staged", ["Production"])).Select(v => v.Version));
    }

    public async ValueTask DisposeAsync() => await _rig.DisposeAsync();
}
