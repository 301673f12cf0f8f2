using Keel.Core.Deployments;

namespace Keel.Core.Tests.Deployments;

/// <summary>Specs and deployments in each state, for the state machine's tests.</summary>
internal static class DeploymentSamples
{
    public static DeploymentSpec Canary(string version = "1") => new()
    {
        Name = "credit-prod",
        Model = "credit-risk",
        Version = version,
        Strategy = "canary",
        Steps =
        [
            new DeploymentStep { SetWeight = 10 },
            new DeploymentStep { Pause = new PauseStep { Duration = "5m" } },
            new DeploymentStep { Analysis = new AnalysisStep() },
            new DeploymentStep { SetWeight = 50 },
            new DeploymentStep { Pause = new PauseStep() },
            new DeploymentStep { SetWeight = 100 },
        ],
        Gates = new DeploymentGates { ErrorRate = new ErrorRateGate { MaxIncrease = 0.01 } },
    };

    public static Deployment Idle() => DeploymentStateMachine.Create(DeploymentSpecValidator.Normalize(Canary("1")), 1_000).Next;

    public static Deployment Progressing() => DeploymentStateMachine.Apply(Idle(), DeploymentSpecValidator.Normalize(Canary("2")), 2_000)!.Next;

    public static Deployment Paused() => DeploymentStateMachine.Pause(Progressing(), 3_000).Next;

    public static Deployment Promoted() => DeploymentStateMachine.Promote(Progressing(), 3_000).Next;

    public static Deployment RolledBack() => DeploymentStateMachine.Rollback(Progressing(), 3_000).Next;

    public static Deployment Failed() => DeploymentStateMachine.Fail(Progressing(), 3_000).Next;

    public static Deployment In(DeploymentState state) => state switch
    {
        DeploymentState.Idle => Idle(),
        DeploymentState.Progressing => Progressing(),
        DeploymentState.Paused => Paused(),
        DeploymentState.Promoted => Promoted(),
        DeploymentState.RolledBack => RolledBack(),
        DeploymentState.Failed => Failed(),
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };
}
