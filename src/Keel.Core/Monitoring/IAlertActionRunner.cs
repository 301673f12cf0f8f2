namespace Keel.Core.Monitoring;

/// <summary>
/// Runs what a firing alert's rule asks (<see cref="AlertRule.Actions"/>): roll a deployment in
/// progress back, move the production alias back, or start retraining from a pipeline file. Every
/// action is audited in the registry's trail by the operation it uses; nothing is ever promoted
/// without its gates passing. The alert evaluator calls it once per firing.
/// </summary>
public interface IAlertActionRunner
{
    /// <summary>Runs <paramref name="action"/> for <paramref name="alert"/>; never throws for the action's own failure (it is reported in the outcome).</summary>
    Task<AlertActionOutcome> RunAsync(Alert alert, AlertAction action, CancellationToken cancellationToken = default);
}

/// <summary>What an action did.</summary>
/// <param name="Kind">The action's kind.</param>
/// <param name="Succeeded">Whether it did what it was asked (started, for retraining: the run goes on in the background).</param>
/// <param name="Message">What happened, for people (what was rolled back, the retraining run id, or why nothing was done).</param>
/// <param name="Reference">What it acted on or started (a deployment, <c>model@alias</c>, a run id); null when nothing.</param>
public sealed record AlertActionOutcome(string Kind, bool Succeeded, string Message, string? Reference);
