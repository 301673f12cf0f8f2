using System.Text.Json;

namespace Keel.Core.Deployments;

/// <summary>
/// Judges a rollout's candidate against its stable version on the deployment's gates
/// (<see cref="DeploymentGates"/>): error rate, p99 latency ratio, prediction shift, input drift
/// against the model's reference, and the model metric from feedback. Called by the controller at
/// every <c>analysis</c> step, and continuously while the candidate has traffic so a failing gate
/// stops it at once.
/// </summary>
public interface IDeploymentAnalysis
{
    /// <summary>
    /// Evaluates <paramref name="gates"/> (names from <see cref="DeploymentGates.Names"/>; those the
    /// spec configures) on both arms' requests since <paramref name="windowStartMs"/>.
    /// </summary>
    Task<AnalysisVerdict> AnalyzeAsync(Deployment deployment, IReadOnlyList<string> gates, long windowStartMs, CancellationToken cancellationToken = default);

    /// <summary>How many requests <paramref name="arm"/> answered and failed since <paramref name="sinceMs"/>: what a <c>pause</c> step's <c>min_requests</c> waits for.</summary>
    Task<ArmCounts> CountAsync(Deployment deployment, string arm, long sinceMs, CancellationToken cancellationToken = default);
}

/// <summary>An arm's traffic over a window.</summary>
/// <param name="Requests">Requests the arm was asked to answer (answered and failed).</param>
/// <param name="Errors">Requests the arm failed to answer.</param>
public sealed record ArmCounts(long Requests, long Errors);

/// <summary>The outcome of a gate, or of an analysis as a whole.</summary>
public enum AnalysisOutcome
{
    /// <summary>Not enough data to judge yet (fewer requests or labels than the gate's minimum).</summary>
    Inconclusive,

    /// <summary>The candidate passed.</summary>
    Passed,

    /// <summary>The candidate failed: the rollout must stop.</summary>
    Failed,
}

/// <summary>An analysis: failed when any gate failed, passed when every gate passed, else inconclusive.</summary>
/// <param name="Outcome">The overall outcome.</param>
/// <param name="Gates">Each gate's result, in the order asked.</param>
/// <param name="Evidence">A JSON object with every gate's numbers, kept with the deployment event.</param>
public sealed record AnalysisVerdict(AnalysisOutcome Outcome, IReadOnlyList<GateResult> Gates, JsonElement Evidence);

/// <summary>One gate's result.</summary>
/// <param name="Gate">The gate's name.</param>
/// <param name="Outcome">Its outcome.</param>
/// <param name="Summary">One sentence a person reads: the numbers compared and the threshold.</param>
public sealed record GateResult(string Gate, AnalysisOutcome Outcome, string Summary);
