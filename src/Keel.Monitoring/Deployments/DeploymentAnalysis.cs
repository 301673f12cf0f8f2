using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Deployments;

/// <summary>
/// The gates of a rollout (docs/deployments.md#gates), judged on the <see cref="DeploymentWindows"/>
/// of this process (error rate, p99 latency, prediction shift, input drift against the version's
/// reference) and on the prediction log (the model metric on requests whose labels arrived).
/// Statistics come from <see cref="Statistics"/> and <see cref="Drift"/>.
/// </summary>
public sealed partial class DeploymentAnalysis : IDeploymentAnalysis
{
    private readonly DeploymentWindows _windows;
    private readonly IPredictionStore _predictions;
    private readonly IModelReferenceSource? _references;
    private readonly TimeProvider _time;

    /// <summary>Creates the analysis.</summary>
    /// <param name="windows">The windows routing feeds.</param>
    /// <param name="predictions">The prediction log (feedback gate).</param>
    /// <param name="time">The clock: a window ends now.</param>
    /// <param name="references">The model versions' reference samples (input drift gate); null makes that gate inconclusive.</param>
    public DeploymentAnalysis(DeploymentWindows windows, IPredictionStore predictions, TimeProvider time, IModelReferenceSource? references = null)
    {
        _windows = windows ?? throw new ArgumentNullException(nameof(windows));
        _predictions = predictions ?? throw new ArgumentNullException(nameof(predictions));
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _references = references;
    }

    /// <summary>The arm a rollout's candidate answers on: <c>shadow</c> for the shadow strategy, else <c>candidate</c>.</summary>
    public static string CandidateArm(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return deployment.Strategy == DeploymentStrategy.Shadow ? DeploymentArms.Shadow : DeploymentArms.Candidate;
    }

    /// <inheritdoc/>
    public Task<ArmCounts> CountAsync(Deployment deployment, string arm, long sinceMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        return Task.FromResult(_windows.Count(deployment.Name, arm, sinceMs));
    }

    /// <inheritdoc/>
    public async Task<AnalysisVerdict> AnalyzeAsync(Deployment deployment, IReadOnlyList<string> gates, long windowStartMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(gates);
        long now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var spec = deployment.Spec.Gates ?? new DeploymentGates();
        string arm = CandidateArm(deployment);
        var context = new Window(deployment, spec, arm, windowStartMs, now,
            _windows.Snapshot(deployment.Name, DeploymentArms.Stable, windowStartMs, now, deployment.StableVersion),
            deployment.CandidateVersion is { } v ? _windows.Snapshot(deployment.Name, arm, windowStartMs, now, v) : ArmWindowSnapshot.Empty);

        var evidence = new JsonObject
        {
            ["deployment"] = deployment.Name,
            ["window_start_ms"] = windowStartMs,
            ["window_end_ms"] = now,
            ["stable"] = ArmEvidence(DeploymentArms.Stable, deployment.StableVersion, context.Stable),
            ["candidate"] = ArmEvidence(arm, deployment.CandidateVersion, context.Candidate),
            ["min_requests"] = context.MinRequests,
            ["window_truncated"] = context.Stable.Truncated || context.Candidate.Truncated,
        };
        var gateEvidence = new JsonObject();
        var results = new List<GateResult>(gates.Count);
        foreach (var gate in gates)
        {
            var (result, numbers) = await JudgeAsync(gate, context, cancellationToken).ConfigureAwait(false);
            results.Add(result);
            numbers["outcome"] = Wire(result.Outcome);
            numbers["summary"] = result.Summary;
            gateEvidence[gate] = numbers;
        }

        evidence["gates"] = gateEvidence;
        var outcome = results.Any(r => r.Outcome == AnalysisOutcome.Failed) ? AnalysisOutcome.Failed
            : results.All(r => r.Outcome == AnalysisOutcome.Passed) ? AnalysisOutcome.Passed
            : AnalysisOutcome.Inconclusive;
        evidence["outcome"] = Wire(outcome);
        return new AnalysisVerdict(outcome, results, JsonSerializer.SerializeToElement(evidence));
    }

    private async Task<(GateResult, JsonObject)> JudgeAsync(string gate, Window w, CancellationToken cancellationToken)
    {
        if (w.Deployment.CandidateVersion is null)
        {
            return Inconclusive(gate, $"{gate}: no candidate version to judge.");
        }

        switch (gate)
        {
            case "error_rate" when w.Gates.ErrorRate is { } g:
                return EnoughRequests(gate, w) ?? ErrorRate(g, w);
            case "latency_p99" when w.Gates.LatencyP99 is { } g:
                return EnoughRequests(gate, w) ?? LatencyP99(g, w);
            case "prediction_shift" when w.Gates.PredictionShift is { } g:
                return EnoughRequests(gate, w) ?? PredictionShift(g, w);
            case "input_drift" when w.Gates.InputDrift is { } g:
                return EnoughRequests(gate, w) ?? await InputDriftAsync(g, w, cancellationToken).ConfigureAwait(false);
            case "feedback" when w.Gates.Feedback is { } g:
                return await FeedbackAsync(g, w, cancellationToken).ConfigureAwait(false);
            default:
                return Inconclusive(gate, $"{gate}: the gate is not configured in the deployment's spec.");
        }
    }

    /// <summary>min_requests: each arm needs that many requests in the window before a window gate judges.</summary>
    private static (GateResult, JsonObject)? EnoughRequests(string gate, Window w)
    {
        long s = w.Stable.Requests.Count, c = w.Candidate.Requests.Count;
        if (s >= w.MinRequests && c >= w.MinRequests)
        {
            return null;
        }

        return Inconclusive(gate, $"{gate}: not enough requests yet: the candidate answered {c} and the stable version {s}; each arm needs {w.MinRequests}.",
            new JsonObject { ["stable_requests"] = s, ["candidate_requests"] = c, ["min_requests"] = w.MinRequests });
    }

    private static (GateResult, JsonObject) Inconclusive(string gate, string summary, JsonObject? numbers = null) =>
        (new GateResult(gate, AnalysisOutcome.Inconclusive, summary), numbers ?? []);

    private static (GateResult, JsonObject) Judged(string gate, bool failed, string summary, JsonObject numbers) =>
        (new GateResult(gate, failed ? AnalysisOutcome.Failed : AnalysisOutcome.Passed, summary), numbers);

    private static JsonObject ArmEvidence(string arm, string? version, ArmWindowSnapshot window) => new()
    {
        ["arm"] = arm,
        ["version"] = version,
        ["requests"] = window.Requests.Count,
        ["errors"] = window.Requests.Count(r => r.Failed),
        ["predictions"] = window.Predictions.Count,
        ["input_rows"] = window.Inputs.Count,
    };

    private static string Wire(AnalysisOutcome outcome) => outcome switch
    {
        AnalysisOutcome.Passed => "passed",
        AnalysisOutcome.Failed => "failed",
        _ => "inconclusive",
    };

    /// <summary>A number for the evidence: JSON has no NaN or infinity, so those are written as strings.</summary>
    internal static JsonNode Num(double value) =>
        double.IsFinite(value) ? JsonValue.Create(value) : JsonValue.Create(value.ToString(CultureInfo.InvariantCulture))!;

    /// <summary>A number for a summary sentence.</summary>
    internal static string S(double value, string format = "G4") => value.ToString(format, CultureInfo.InvariantCulture);

    private sealed record Window(Deployment Deployment, DeploymentGates Gates, string Arm, long StartMs, long EndMs, ArmWindowSnapshot Stable, ArmWindowSnapshot Candidate)
    {
        public long MinRequests => Gates.MinRequests ?? DeploymentSpecValidator.DefaultMinRequests;
    }
}
