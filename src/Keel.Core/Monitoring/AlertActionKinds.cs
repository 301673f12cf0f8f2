namespace Keel.Core.Monitoring;

/// <summary>The kinds of <see cref="AlertAction"/>.</summary>
public static class AlertActionKinds
{
    /// <summary>Rolls a deployment in progress back (the action's deployment, else the alert's).</summary>
    public const string RollbackDeployment = "rollback_deployment";

    /// <summary>Moves an alias (default <c>production</c>) back to the version that held it before.</summary>
    public const string RollbackProduction = "rollback_production";

    /// <summary>Runs a pipeline file in the background; the new version goes through its gates (and, if named, a canary rollout).</summary>
    public const string Retrain = "retrain";

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<string> All { get; } = [RollbackDeployment, RollbackProduction, Retrain];
}
