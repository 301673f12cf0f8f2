using Keel.Core.Deployments;
using Keel.Server.Deployments.Controller;

namespace Keel.Server.Tests.Deployments.Controller;

/// <summary>The controller's step logic, one reconciliation at a time, on a real SQLite store and DeploymentService with a fake clock.</summary>
public sealed class DeploymentReconcilerTests : IAsyncDisposable
{
    private readonly ControllerRig _rig = new();

    private static DeploymentGates ErrorRate => new() { ErrorRate = new ErrorRateGate { MaxIncrease = 0.05 }, MinRequests = 100 };

    private static DeploymentStep Weight(int w) => new() { SetWeight = w };

    private static DeploymentStep Pause(string? duration = null, long? minRequests = null) => new() { Pause = new PauseStep { Duration = duration, MinRequests = minRequests } };

    private static DeploymentStep Analysis() => new() { Analysis = new AnalysisStep() };

    private async Task<DeploymentSpec> StartAsync(string name, params DeploymentStep[] steps)
    {
        var spec = await _rig.CreateAsync(name, 2, new DeploymentSpec { Strategy = "canary", Steps = steps, Gates = ErrorRate });
        await _rig.Service.ApplyAsync(spec with { Version = "2" }, ControllerRig.Alice);
        return spec;
    }

    private void Traffic(string name, int stableErrors = 0, int candidateErrors = 0, int count = 100)
    {
        _rig.Analysis.Send(name, "stable", count, stableErrors, _rig.Now);
        _rig.Analysis.Send(name, "candidate", count, candidateErrors, _rig.Now);
        _rig.Clock.Advance(TimeSpan.FromMilliseconds(1)); // steps begun from now on do not count this traffic
    }

    [Fact]
    public async Task GoodCandidate_PassesEveryStep_InOrder_AndIsPromoted_WithTheAliasMoved()
    {
        await StartAsync("good", Weight(10), Pause("30s"), Analysis(), Weight(50), Pause(minRequests: 100), Analysis());

        Assert.Equal([ReconcileAction.Warmed, ReconcileAction.Advanced], await _rig.SettleAsync("good"));
        Assert.Equal((1, 10), ((await _rig.Service.GetAsync("good")).StepIndex, (await _rig.Service.GetAsync("good")).CandidateWeight));
        _rig.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await _rig.SettleAsync("good"));
        _rig.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([ReconcileAction.Advanced], await _rig.SettleAsync("good"));
        Assert.Empty(await _rig.SettleAsync("good")); // analysis: no traffic yet, inconclusive: waits

        Traffic("good", stableErrors: 1, candidateErrors: 1);
        Assert.Equal([ReconcileAction.Advanced, ReconcileAction.Advanced], await _rig.SettleAsync("good"));
        var atPause = await _rig.Service.GetAsync("good");
        Assert.Equal((4, 50, DeploymentState.Progressing), (atPause.StepIndex, atPause.CandidateWeight, atPause.State));

        Traffic("good");
        Assert.Equal([ReconcileAction.Advanced], await _rig.SettleAsync("good")); // min_requests met; the analysis window begins now
        Traffic("good");
        Assert.Equal([ReconcileAction.Promoted], await _rig.SettleAsync("good"));

        var done = await _rig.Service.GetAsync("good");
        Assert.Equal((DeploymentState.Promoted, "2", "1"), (done.State, done.StableVersion, done.PreviousStableVersion));
        Assert.Equal("2", (await _rig.Registry.GetModelVersionByAliasAsync("good", "production")).Version);
        var history = await _rig.HistoryAsync("good");
        Assert.Equal(["created", "rollout_started", "step_advanced", "step_advanced", "step_advanced", "step_advanced", "step_advanced", "promoted"], history.Select(e => e.Kind));
        Assert.All(history.Skip(2), e => Assert.Equal("keel-controller", e.User));
        Assert.Equal([10, 10, 50, 50, 50, 0], history.Skip(2).Select(e => e.CandidateWeight));
        var analysed = history.Where(e => e.Reason?.StartsWith("analysis passed", StringComparison.Ordinal) == true).ToList();
        Assert.Equal(2, analysed.Count);
        Assert.All(analysed, e => Assert.Equal(100, e.Evidence!.Value.GetProperty("candidate_requests").GetInt64()));
    }

    [Fact]
    public async Task FailingGate_AtAnAnalysisStep_RollsBackAtOnce_WithTheVerdictAsEvidence()
    {
        await StartAsync("bad", Weight(20), Analysis(), Weight(100));
        await _rig.SettleAsync("bad");
        Traffic("bad", stableErrors: 0, candidateErrors: 30);

        Assert.Equal([ReconcileAction.RolledBack], await _rig.SettleAsync("bad"));

        var d = await _rig.Service.GetAsync("bad");
        Assert.Equal((DeploymentState.RolledBack, 0, "1"), (d.State, d.CandidateWeight, d.StableVersion));
        var last = (await _rig.HistoryAsync("bad"))[^1];
        Assert.Equal(("rolled_back", "keel-controller"), (last.Kind, last.User));
        Assert.Contains("gate error_rate failed", last.Reason, StringComparison.Ordinal);
        Assert.Equal(30, last.Evidence!.Value.GetProperty("candidate_errors").GetInt64());
        Assert.Equal("1", (await _rig.Registry.GetModelVersionByAliasAsync("bad", "production")).Version);
    }

    [Fact]
    public async Task FailingGate_DuringABakePause_StopsTheCandidate_WithoutWaitingForTheAnalysisStep()
    {
        await StartAsync("bake", Weight(20), Pause("1h"), Analysis());
        await _rig.SettleAsync("bake");
        Assert.Equal(1, (await _rig.Service.GetAsync("bake")).StepIndex);

        Traffic("bake", candidateErrors: 40);

        Assert.Equal([ReconcileAction.RolledBack], await _rig.SettleAsync("bake"));
        Assert.Equal((DeploymentState.RolledBack, 0), ((await _rig.Service.GetAsync("bake")).State, (await _rig.Service.GetAsync("bake")).CandidateWeight));
    }

    [Fact]
    public async Task FailingGate_WhileAPersonPausedTheRollout_StillRollsBack()
    {
        await StartAsync("held", Weight(20), Pause("1h"), Analysis());
        await _rig.SettleAsync("held");
        await _rig.Service.PauseAsync("held", ControllerRig.Alice);

        Traffic("held", candidateErrors: 40);

        Assert.Equal([ReconcileAction.RolledBack], await _rig.SettleAsync("held"));
    }

    [Fact]
    public async Task CandidateThatWillNotWarm_FailsTheRollout_WithTheWarmupAsEvidence_AndNeverGetsAnotherStep()
    {
        _rig.Warmer.Broken.Add("2");
        await StartAsync("cold", Weight(10), Weight(100));

        Assert.Equal([ReconcileAction.Failed], await _rig.SettleAsync("cold"));

        var d = await _rig.Service.GetAsync("cold");
        Assert.Equal((DeploymentState.Failed, 0, 0), (d.State, d.CandidateWeight, d.StepIndex));
        var failed = (await _rig.HistoryAsync("cold"))[^1];
        Assert.Equal("failed", failed.Kind);
        Assert.False(failed.Evidence!.Value.GetProperty("warmup").GetProperty("ready").GetBoolean());
        Assert.Equal("version 2 would not load", failed.Evidence!.Value.GetProperty("warmup").GetProperty("problem").GetString());
    }

    [Fact]
    public async Task InconclusiveAnalysis_Waits_ThenPausesTheRolloutForAPerson_AfterTheTimeout()
    {
        await StartAsync("quiet", Weight(10), Analysis(), Weight(100));
        await _rig.SettleAsync("quiet");
        _rig.Analysis.Send("quiet", "candidate", 5, 0, _rig.Now);

        _rig.Clock.Advance(_rig.Options.InconclusiveTimeout - TimeSpan.FromSeconds(1));
        Assert.Empty(await _rig.SettleAsync("quiet"));
        _rig.Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal([ReconcileAction.Paused], await _rig.SettleAsync("quiet"));

        var d = await _rig.Service.GetAsync("quiet");
        Assert.Equal((DeploymentState.Paused, 1, 10), (d.State, d.StepIndex, d.CandidateWeight));
        Assert.Contains("inconclusive", (await _rig.HistoryAsync("quiet"))[^1].Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManualPause_HoldsUntilResumed_ThenTheNextStepRuns()
    {
        await StartAsync("manual", Weight(10), Pause(), Weight(100));
        await _rig.SettleAsync("manual");
        var paused = await _rig.Service.GetAsync("manual");
        Assert.Equal((DeploymentState.Paused, 1), (paused.State, paused.StepIndex));
        _rig.Clock.Advance(TimeSpan.FromDays(3));
        Assert.Empty(await _rig.SettleAsync("manual"));

        await _rig.Service.ResumeAsync("manual", ControllerRig.Alice);

        Assert.Equal([ReconcileAction.Promoted], await _rig.SettleAsync("manual"));
    }

    [Fact]
    public async Task APersonsPromote_SkipsTheRemainingSteps_AndTheControllerLeavesItBe()
    {
        await StartAsync("skip", Weight(10), Pause("1h"), Weight(100));
        await _rig.SettleAsync("skip");

        await _rig.Service.PromoteAsync("skip", ControllerRig.Alice);

        Assert.Empty(await _rig.SettleAsync("skip"));
        Assert.Equal(DeploymentState.Promoted, (await _rig.Service.GetAsync("skip")).State);
    }

    [Fact]
    public async Task ANewController_MidPause_ContinuesTheSameBake_AndNeverSkipsAStep()
    {
        await StartAsync("restart", Weight(10), Pause("10m"), Weight(50), Pause("10m"), Weight(100));
        await _rig.SettleAsync("restart");
        _rig.Clock.Advance(TimeSpan.FromMinutes(6));

        var fresh = _rig.NewReconciler(); // what a restarted server (or the next lease holder) has: only the store
        Assert.Equal(ReconcileAction.Warmed, await fresh.ReconcileAsync(await _rig.Service.GetAsync("restart")));
        Assert.Equal(ReconcileAction.None, await fresh.ReconcileAsync(await _rig.Service.GetAsync("restart")));
        _rig.Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(ReconcileAction.Advanced, await fresh.ReconcileAsync(await _rig.Service.GetAsync("restart")));
        Assert.Equal(ReconcileAction.Advanced, await fresh.ReconcileAsync(await _rig.Service.GetAsync("restart")));

        var d = await _rig.Service.GetAsync("restart");
        Assert.Equal((3, 50, DeploymentState.Progressing), (d.StepIndex, d.CandidateWeight, d.State));
    }

    [Fact]
    public async Task RollingDeployments_AreLeftToTheRollingUpdater()
    {
        var spec = await _rig.CreateAsync("roll", 2, new DeploymentSpec { Strategy = "rolling" });
        await _rig.Service.ApplyAsync(spec with { Version = "2" }, ControllerRig.Alice);

        Assert.Empty(await _rig.SettleAsync("roll"));
        Assert.Empty(_rig.Warmer.Warmed);
    }

    [Fact]
    public async Task ShadowWithoutSteps_MirrorsUntilAPersonDecides_ButAFailingGateStopsIt()
    {
        var spec = await _rig.CreateAsync("mirror", 2, new DeploymentSpec { Strategy = "shadow", Gates = ErrorRate });
        await _rig.Service.ApplyAsync(spec with { Version = "2" }, ControllerRig.Alice);

        Assert.Equal([ReconcileAction.Warmed], await _rig.SettleAsync("mirror"));
        _rig.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Empty(await _rig.SettleAsync("mirror"));
        Assert.Equal(DeploymentState.Progressing, (await _rig.Service.GetAsync("mirror")).State);

        Traffic("mirror", candidateErrors: 50);
        Assert.Equal([ReconcileAction.RolledBack], await _rig.SettleAsync("mirror"));
    }

    [Fact]
    public async Task BlueGreen_WarmsTheCandidate_ThenSwitchesAllTrafficAtOnce()
    {
        var spec = await _rig.CreateAsync("bg", 2, new DeploymentSpec { Strategy = "blue_green" });
        await _rig.Service.ApplyAsync(spec with { Version = "2" }, ControllerRig.Alice);

        Assert.Equal([ReconcileAction.Warmed, ReconcileAction.Promoted], await _rig.SettleAsync("bg"));
        Assert.Equal("2", (await _rig.Registry.GetModelVersionByAliasAsync("bg", "production")).Version);
        Assert.Equal(["2"], _rig.Warmer.Warmed);
    }

    [Fact]
    public async Task BlueGreen_WithACandidateThatWillNotLoad_FailsAndTheStableVersionKeepsServing()
    {
        _rig.Warmer.Broken.Add("2");
        var spec = await _rig.CreateAsync("bgbad", 2, new DeploymentSpec { Strategy = "blue_green" });
        await _rig.Service.ApplyAsync(spec with { Version = "2" }, ControllerRig.Alice);

        Assert.Equal([ReconcileAction.Failed], await _rig.SettleAsync("bgbad"));
        var d = await _rig.Service.GetAsync("bgbad");
        Assert.Equal((DeploymentState.Failed, "1"), (d.State, d.StableVersion));
        Assert.Equal("1", (await _rig.Registry.GetModelVersionByAliasAsync("bgbad", "production")).Version);
    }

    public async ValueTask DisposeAsync() => await _rig.DisposeAsync();
}
