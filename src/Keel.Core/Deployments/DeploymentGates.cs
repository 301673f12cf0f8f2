using System.Text.Json.Serialization;

namespace Keel.Core.Deployments;

/// <summary>
/// The analysis thresholds. Validated when a spec is applied; an <c>analysis</c> step evaluates
/// them on the candidate's window against the stable version's (docs/adr/0005-deployments.md).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DeploymentGates
{
    /// <summary>The gate names, as an <see cref="AnalysisStep"/> lists them.</summary>
    public static IReadOnlyList<string> Names { get; } = ["error_rate", "latency_p99", "prediction_shift", "input_drift", "feedback"];

    /// <summary>The candidate's error rate may exceed the stable version's by at most this much.</summary>
    public ErrorRateGate? ErrorRate { get; init; }

    /// <summary>The candidate's p99 latency over the stable version's.</summary>
    public LatencyGate? LatencyP99 { get; init; }

    /// <summary>How far the candidate's predictions may move from the stable version's.</summary>
    public DistributionGate? PredictionShift { get; init; }

    /// <summary>How far the candidate's inputs may drift from the model's reference data.</summary>
    public DistributionGate? InputDrift { get; init; }

    /// <summary>The model metric on requests whose labels have arrived.</summary>
    public FeedbackGate? Feedback { get; init; }

    /// <summary>Each arm needs this many requests in the window before a gate judges; fewer is inconclusive.</summary>
    /// <value>100.</value>
    public long? MinRequests { get; init; }

    /// <summary>The names of the gates that are set.</summary>
    public IReadOnlyList<string> Configured()
    {
        var set = new List<string>(5);
        if (ErrorRate is not null)
        {
            set.Add("error_rate");
        }

        if (LatencyP99 is not null)
        {
            set.Add("latency_p99");
        }

        if (PredictionShift is not null)
        {
            set.Add("prediction_shift");
        }

        if (InputDrift is not null)
        {
            set.Add("input_drift");
        }

        if (Feedback is not null)
        {
            set.Add("feedback");
        }

        return set;
    }
}

/// <summary>Error-rate gate.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record ErrorRateGate
{
    /// <summary>The largest allowed increase of the candidate's error rate over the stable version's, 0 to 1 (0.01 = one point).</summary>
    public double? MaxIncrease { get; init; }
}

/// <summary>
/// Latency gate: the candidate's p99 scoring latency against the stable version's. It fails only when
/// the candidate's p99 is shown, at significance <see cref="Alpha"/>, to be above what is allowed:
/// <c>max(max_ratio × stable p99, stable p99 + min_increase_ms)</c>. The p99s' sampling error is
/// taken into account with distribution-free order-statistic confidence bounds (docs/deployments.md#gates).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record LatencyGate
{
    /// <summary>The largest allowed ratio of the candidate's p99 to the stable version's, at least 1.</summary>
    public double? MaxRatio { get; init; }

    /// <summary>
    /// The absolute noise floor, in milliseconds: a candidate whose p99 exceeds the stable version's by
    /// less than this is never failed, whatever the ratio (scoring times of tens of microseconds make
    /// ratios meaningless). 0 to 60,000.
    /// </summary>
    /// <value>0.1 (<see cref="DeploymentSpecValidator.DefaultLatencyMinIncreaseMs"/>).</value>
    public double? MinIncreaseMs { get; init; }

    /// <summary>
    /// The significance level: the gate fails only when the candidate's p99 is above the allowed bound
    /// with confidence 1 − alpha (each arm's p99 bound at 1 − alpha/2). In (0, 0.5].
    /// </summary>
    /// <value>0.05 (<see cref="DeploymentSpecValidator.DefaultLatencyAlpha"/>).</value>
    public double? Alpha { get; init; }

    /// <summary>
    /// Answered requests beyond the p99 each arm needs before the gate judges (an arm needs 100 times
    /// this many answered requests); fewer is inconclusive. 1 to 80 (the analysis window keeps 8,192
    /// requests per arm by default).
    /// </summary>
    /// <value>10 (<see cref="DeploymentSpecValidator.DefaultLatencyMinTailSamples"/>): 1,000 answered requests per arm.</value>
    public long? MinTailSamples { get; init; }
}

/// <summary>A distribution comparison: PSI with a maximum, or a test (KS on scores, chi-square on labels) with a significance level.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DistributionGate
{
    /// <summary><c>psi</c>, <c>ks</c> or <c>chi_square</c> (input drift: <c>psi</c> or <c>ks</c>).</summary>
    /// <value><c>psi</c>.</value>
    public string? Method { get; init; }

    /// <summary>The largest allowed PSI (method <c>psi</c>), above 0.</summary>
    public double? Max { get; init; }

    /// <summary>The significance level (methods <c>ks</c>, <c>chi_square</c>): the gate fails when p &lt; alpha. In (0, 0.5].</summary>
    public double? Alpha { get; init; }

    /// <summary>
    /// Methods <c>ks</c> and <c>chi_square</c>: the smallest effect that fails the gate, 0 to 1 —
    /// the KS statistic D, or Cramér's V (√(χ²/N) over the N values of both sides) for chi-square.
    /// A difference that is significant (p &lt; alpha) but smaller than this passes: with thousands
    /// of requests per arm a test finds differences far too small to matter.
    /// </summary>
    /// <value>0.1 (0 judges on the p-value alone).</value>
    public double? MinEffect { get; init; }
}

/// <summary>Feedback gate: the model metric on labelled requests, compared with a significance test rather than a raw difference.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record FeedbackGate
{
    /// <summary>The metric names this gate accepts; the first five are better when higher.</summary>
    public static IReadOnlyList<string> Metrics { get; } = ["accuracy", "f1", "auc", "precision", "recall", "rmse", "mae"];

    /// <summary>One of <see cref="Metrics"/>.</summary>
    public string? Metric { get; init; }

    /// <summary>Labelled requests each arm needs before the gate judges.</summary>
    /// <value>200.</value>
    public long? MinCount { get; init; }

    /// <summary>The significance level of the one-sided test that the candidate is worse, in (0, 0.5].</summary>
    /// <value>0.05.</value>
    public double? Alpha { get; init; }

    /// <summary>How much worse than the stable version the candidate may be before the test counts it, at least 0.</summary>
    /// <value>0.</value>
    public double? MaxDrop { get; init; }
}
