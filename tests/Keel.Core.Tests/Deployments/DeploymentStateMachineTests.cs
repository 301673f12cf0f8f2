using Keel.Core.Deployments;
using Keel.Core.Errors;

namespace Keel.Core.Tests.Deployments;

public sealed class DeploymentStateMachineTests
{
    private const long Now = 10_000;

    /// <summary>Every command from every state: the state it leads to, or null when it is refused.</summary>
    public static TheoryData<DeploymentState, string, DeploymentState?> Table() => new()
    {
        { DeploymentState.Idle, "promote", null },
        { DeploymentState.Idle, "pause", null },
        { DeploymentState.Idle, "resume", null },
        { DeploymentState.Idle, "rollback", null },
        { DeploymentState.Idle, "fail", null },
        { DeploymentState.Idle, "advance", null },
        { DeploymentState.Progressing, "promote", DeploymentState.Promoted },
        { DeploymentState.Progressing, "pause", DeploymentState.Paused },
        { DeploymentState.Progressing, "resume", null },
        { DeploymentState.Progressing, "rollback", DeploymentState.RolledBack },
        { DeploymentState.Progressing, "fail", DeploymentState.Failed },
        { DeploymentState.Progressing, "advance", DeploymentState.Progressing },
        { DeploymentState.Paused, "promote", DeploymentState.Promoted },
        { DeploymentState.Paused, "pause", null },
        { DeploymentState.Paused, "resume", DeploymentState.Progressing },
        { DeploymentState.Paused, "rollback", DeploymentState.RolledBack },
        { DeploymentState.Paused, "fail", DeploymentState.Failed },
        { DeploymentState.Paused, "advance", null },
        { DeploymentState.Promoted, "promote", null },
        { DeploymentState.Promoted, "pause", null },
        { DeploymentState.Promoted, "resume", null },
        { DeploymentState.Promoted, "rollback", DeploymentState.RolledBack },
        { DeploymentState.Promoted, "fail", null },
        { DeploymentState.Promoted, "advance", null },
        { DeploymentState.RolledBack, "promote", null },
        { DeploymentState.RolledBack, "pause", null },
        { DeploymentState.RolledBack, "resume", null },
        { DeploymentState.RolledBack, "rollback", null },
        { DeploymentState.RolledBack, "fail", null },
        { DeploymentState.RolledBack, "advance", null },
        { DeploymentState.Failed, "promote", null },
        { DeploymentState.Failed, "pause", null },
        { DeploymentState.Failed, "resume", null },
        { DeploymentState.Failed, "rollback", null },
        { DeploymentState.Failed, "fail", null },
        { DeploymentState.Failed, "advance", null },
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void Command_FromEachState_LeadsWhereTheTableSaysOrIsRefusedWithInvalidState(DeploymentState from, string command, DeploymentState? expected)
    {
        var current = DeploymentSamples.In(from);
        Func<DeploymentTransition> run = command switch
        {
            "promote" => () => DeploymentStateMachine.Promote(current, Now),
            "pause" => () => DeploymentStateMachine.Pause(current, Now),
            "resume" => () => DeploymentStateMachine.Resume(current, Now),
            "rollback" => () => DeploymentStateMachine.Rollback(current, Now),
            "fail" => () => DeploymentStateMachine.Fail(current, Now),
            "advance" => () => DeploymentStateMachine.Advance(current, Now),
            _ => throw new ArgumentOutOfRangeException(nameof(command)),
        };

        if (expected is null)
        {
            var e = Assert.Throws<KeelException>(run);
            Assert.Equal(ErrorCode.InvalidState, e.Code);
            Assert.Contains($"is {from.ToWireName()}", e.Message, StringComparison.Ordinal);
            Assert.Equal(400, e.Code.ToHttpStatus());
            return;
        }

        var transition = run();
        Assert.Equal(expected, transition.Next.State);
        Assert.Equal(from, transition.From);
        Assert.Equal(Now, transition.Next.UpdatedAt);
    }

    [Fact]
    public void Create_IsIdle_ServingTheSpecVersion_AndMovesProductionToIt()
    {
        var t = DeploymentStateMachine.Create(DeploymentSpecValidator.Normalize(DeploymentSamples.Canary("3")), Now);
        Assert.Equal(DeploymentState.Idle, t.Next.State);
        Assert.Equal("3", t.Next.StableVersion);
        Assert.Null(t.Next.CandidateVersion);
        Assert.Equal(-1, t.Next.StepIndex);
        Assert.Equal("3", t.ProductionVersion);
        Assert.Equal(DeploymentEventKinds.Created, t.Kind);
    }

    [Fact]
    public void ApplyNewVersion_StartsTheRollout_AtTheFirstStep_WithItsWeight()
    {
        var t = DeploymentStateMachine.Apply(DeploymentSamples.Idle(), DeploymentSpecValidator.Normalize(DeploymentSamples.Canary("2")), Now)!;
        Assert.Equal(DeploymentEventKinds.RolloutStarted, t.Kind);
        Assert.Equal(DeploymentState.Progressing, t.Next.State);
        Assert.Equal("1", t.Next.StableVersion);
        Assert.Equal("2", t.Next.CandidateVersion);
        Assert.Equal(0, t.Next.StepIndex);
        Assert.Equal(10, t.Next.CandidateWeight);
        Assert.Null(t.ProductionVersion);
    }

    [Fact]
    public void ApplySameSpecTwice_ChangesNothing()
    {
        var spec = DeploymentSpecValidator.Normalize(DeploymentSamples.Canary("2"));
        var started = DeploymentStateMachine.Apply(DeploymentSamples.Idle(), spec, Now)!.Next;
        Assert.Null(DeploymentStateMachine.Apply(started, spec, Now + 1));
        Assert.Null(DeploymentStateMachine.Apply(DeploymentSamples.Idle(), DeploymentSpecValidator.Normalize(DeploymentSamples.Canary("1")), Now));
        var promoted = DeploymentStateMachine.Promote(started, Now).Next;
        Assert.Null(DeploymentStateMachine.Apply(promoted, spec, Now + 2));
        var rolledBack = DeploymentStateMachine.Rollback(started, Now).Next;
        Assert.Null(DeploymentStateMachine.Apply(rolledBack, spec, Now + 2));
    }

    [Fact]
    public void ApplyChangedGates_WhileIdle_IsASpecUpdate_ThatKeepsTheState()
    {
        var changed = DeploymentSamples.Canary("1") with { Gates = new DeploymentGates { ErrorRate = new ErrorRateGate { MaxIncrease = 0.05 } } };
        var t = DeploymentStateMachine.Apply(DeploymentSamples.Idle(), DeploymentSpecValidator.Normalize(changed), Now)!;
        Assert.Equal(DeploymentEventKinds.SpecUpdated, t.Kind);
        Assert.Equal(DeploymentState.Idle, t.Next.State);
        Assert.Equal(0.05, t.Next.Spec.Gates!.ErrorRate!.MaxIncrease);
    }

    [Fact]
    public void ApplyDuringRollout_AnotherVersionOrAChangedSpec_IsRefused()
    {
        var progressing = DeploymentSamples.Progressing();
        var third = Assert.Throws<KeelException>(() => DeploymentStateMachine.Apply(progressing, DeploymentSpecValidator.Normalize(DeploymentSamples.Canary("3")), Now));
        Assert.Equal(ErrorCode.InvalidState, third.Code);
        Assert.Contains("version 2 is rolling out", third.Message, StringComparison.Ordinal);
        var changed = DeploymentSamples.Canary("2") with { Strategy = "blue_green", Steps = [] };
        Assert.Equal(ErrorCode.InvalidState, Assert.Throws<KeelException>(() => DeploymentStateMachine.Apply(progressing, DeploymentSpecValidator.Normalize(changed), Now)).Code);
    }

    [Fact]
    public void ApplyStableVersion_DuringRollout_RollsItBack()
    {
        var t = DeploymentStateMachine.Apply(DeploymentSamples.Progressing(), DeploymentSpecValidator.Normalize(DeploymentSamples.Canary("1")), Now)!;
        Assert.Equal(DeploymentEventKinds.RolledBack, t.Kind);
        Assert.Equal(DeploymentState.RolledBack, t.Next.State);
        Assert.Equal(0, t.Next.CandidateWeight);
        Assert.Equal("1", t.Next.Spec.Version);
    }

    [Fact]
    public void ApplyWithAnotherModel_IsRefused()
    {
        var other = DeploymentSamples.Canary("1") with { Model = "fraud" };
        var e = Assert.Throws<KeelException>(() => DeploymentStateMachine.Apply(DeploymentSamples.Idle(), DeploymentSpecValidator.Normalize(other), Now));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
    }

    [Fact]
    public void Promote_SkipsRemainingSteps_CandidateBecomesStable_ProductionMoves()
    {
        var t = DeploymentStateMachine.Promote(DeploymentSamples.Progressing(), Now);
        Assert.Equal("2", t.Next.StableVersion);
        Assert.Equal("1", t.Next.PreviousStableVersion);
        Assert.Null(t.Next.CandidateVersion);
        Assert.Equal(0, t.Next.CandidateWeight);
        Assert.Equal(-1, t.Next.StepIndex);
        Assert.Equal("2", t.ProductionVersion);
    }

    [Fact]
    public void Rollback_DuringRollout_SendsCandidateTrafficToZero_AndLeavesProduction()
    {
        var t = DeploymentStateMachine.Rollback(DeploymentSamples.Progressing(), Now);
        Assert.Equal(0, t.Next.CandidateWeight);
        Assert.Equal("1", t.Next.StableVersion);
        Assert.Equal("2", t.Next.CandidateVersion);
        Assert.Null(t.ProductionVersion);
    }

    [Fact]
    public void Rollback_AfterPromotion_RestoresThePreviousStable_AndMovesProductionBack()
    {
        var t = DeploymentStateMachine.Rollback(DeploymentSamples.Promoted(), Now);
        Assert.Equal("1", t.Next.StableVersion);
        Assert.Equal("2", t.Next.CandidateVersion);
        Assert.Null(t.Next.PreviousStableVersion);
        Assert.Equal("1", t.ProductionVersion);
        var twice = Assert.Throws<KeelException>(() => DeploymentStateMachine.Rollback(t.Next, Now));
        Assert.Equal(ErrorCode.InvalidState, twice.Code);
    }

    [Fact]
    public void Advance_WalksTheSteps_SettingWeights_PausingAtAManualPause_AndPromotesPastTheLast()
    {
        var d = DeploymentSamples.Progressing(); // step 0: set_weight 10
        d = DeploymentStateMachine.Advance(d, Now).Next; // 1: pause 5m
        Assert.Equal((1, 10, DeploymentState.Progressing), (d.StepIndex, d.CandidateWeight, d.State));
        d = DeploymentStateMachine.Advance(d, Now).Next; // 2: analysis
        d = DeploymentStateMachine.Advance(d, Now).Next; // 3: set_weight 50
        Assert.Equal((3, 50), (d.StepIndex, d.CandidateWeight));
        d = DeploymentStateMachine.Advance(d, Now).Next; // 4: manual pause
        Assert.Equal((4, DeploymentState.Paused), (d.StepIndex, d.State));
        var resumed = DeploymentStateMachine.Resume(d, Now);
        Assert.Equal(DeploymentEventKinds.Resumed, resumed.Kind);
        Assert.Equal((5, 100, DeploymentState.Progressing), (resumed.Next.StepIndex, resumed.Next.CandidateWeight, resumed.Next.State));
        var done = DeploymentStateMachine.Advance(resumed.Next, Now);
        Assert.Equal(DeploymentEventKinds.Promoted, done.Kind);
        Assert.Equal("2", done.Next.StableVersion);
        Assert.Equal("2", done.ProductionVersion);
    }

    [Fact]
    public void Resume_FromAnOrdinaryPause_KeepsTheStep()
    {
        var paused = DeploymentSamples.Paused();
        var resumed = DeploymentStateMachine.Resume(paused, Now).Next;
        Assert.Equal(paused.StepIndex, resumed.StepIndex);
        Assert.Equal(paused.CandidateWeight, resumed.CandidateWeight);
    }

    [Fact]
    public void NewRollout_AfterRollbackOrFailure_Starts()
    {
        foreach (var from in new[] { DeploymentSamples.RolledBack(), DeploymentSamples.Failed(), DeploymentSamples.Promoted() })
        {
            var t = DeploymentStateMachine.Apply(from, DeploymentSpecValidator.Normalize(DeploymentSamples.Canary("3")), Now)!;
            Assert.Equal(DeploymentEventKinds.RolloutStarted, t.Kind);
            Assert.Equal("3", t.Next.CandidateVersion);
        }
    }

    [Fact]
    public void Apply_OfTheSameSpecStoredBeforeTheLatencyDefaults_ChangesNothingMidRollout()
    {
        // A spec stored by an older server: its latency gate has max_ratio only.
        var stored = DeploymentSamples.Progressing();
        var old = stored with { Spec = stored.Spec with { Gates = new DeploymentGates { MinRequests = 100, LatencyP99 = new LatencyGate { MaxRatio = 2 } } } };
        var again = DeploymentSpecValidator.Normalize(old.Spec);
        Assert.NotEqual(old.Spec.Gates!.LatencyP99, again.Gates!.LatencyP99); // the file applied again gets the defaults

        Assert.Null(DeploymentStateMachine.Apply(old, again, 5_000));
        Assert.True(DeploymentStateMachine.SameConfig(old.Spec, again));
    }
}
