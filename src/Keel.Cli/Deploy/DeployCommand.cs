using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Deploy;

/// <summary><c>keel deploy</c>: deployments (blue-green, canary, rolling, shadow) on a Keel server.</summary>
internal static class DeployCommand
{
    public static Command Create(GlobalOptions globals) => new("deploy", "Deployments: roll a model version out (blue_green, canary, rolling, shadow), promote, pause, resume, roll back.")
    {
        DeployApplyCommand.CreateCreate(globals),
        DeployApplyCommand.CreateApply(globals),
        DeployStatusCommand.Create(globals),
        DeployListCommand.Create(globals),
        DeployActionCommand.Create(globals, "promote", "Promote the rollout now, skipping its remaining steps: the candidate becomes stable and production moves to it."),
        DeployActionCommand.Create(globals, "pause", "Pause a progressing rollout: its traffic split stays, no step advances."),
        DeployActionCommand.Create(globals, "resume", "Resume a paused rollout."),
        DeployDeleteCommand.Create(globals),
        DeployActionCommand.Create(globals, "rollback", "Roll back: the candidate's traffic goes to 0 (after a promotion, production returns to the previous stable version)."),
        DeployHistoryCommand.Create(globals),
        DeployReportCommand.Create(globals),
    };
}
