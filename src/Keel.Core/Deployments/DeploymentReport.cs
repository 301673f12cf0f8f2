namespace Keel.Core.Deployments;

/// <summary>
/// <c>keel deploy report</c>: the arms of a deployment compared from its prediction log — the
/// answers of both arms to the same request (shadow), each arm's latency, errors and metric on the
/// rows that have feedback.
/// </summary>
public sealed record DeploymentReport
{
    /// <summary>The deployment.</summary>
    public required string Deployment { get; init; }

    /// <summary>The registered model.</summary>
    public required string Model { get; init; }

    /// <summary>The strategy (lower snake case).</summary>
    public required string Strategy { get; init; }

    /// <summary>The deployment's state (lower snake case).</summary>
    public required string State { get; init; }

    /// <summary>The stable version.</summary>
    public required string StableVersion { get; init; }

    /// <summary>The candidate version, if any.</summary>
    public string? CandidateVersion { get; init; }

    /// <summary>The arm the candidate answers on: <c>shadow</c> or <c>candidate</c>.</summary>
    public required string CandidateArm { get; init; }

    /// <summary>Inclusive start of the range read, Unix ms; null for the beginning.</summary>
    public long? FromMs { get; init; }

    /// <summary>Exclusive end of the range read, Unix ms; null for no end.</summary>
    public long? ToMs { get; init; }

    /// <summary>When the report was made, Unix ms.</summary>
    public required long GeneratedAtMs { get; init; }

    /// <summary>Logged requests read.</summary>
    public required long LoggedRequests { get; init; }

    /// <summary>True when the log held more than the report's limit (200,000) requests in the range; the first ones were read.</summary>
    public bool Truncated { get; init; }

    /// <summary>Each arm seen in the log, stable first.</summary>
    public required IReadOnlyList<ArmReport> Arms { get; init; }

    /// <summary>The answers of the stable version and the candidate to the same requests; null when no request was answered by both (a canary splits requests, a shadow mirrors them).</summary>
    public ArmComparison? Comparison { get; init; }

    /// <summary>Notes on what the report could not know (e.g. where errors come from).</summary>
    public required IReadOnlyList<string> Notes { get; init; }
}

/// <summary>One arm in a <see cref="DeploymentReport"/>.</summary>
public sealed record ArmReport
{
    /// <summary>The arm.</summary>
    public required string Arm { get; init; }

    /// <summary>The versions that answered on this arm in the range.</summary>
    public required IReadOnlyList<string> Versions { get; init; }

    /// <summary>Logged requests.</summary>
    public required long Requests { get; init; }

    /// <summary>Rows scored.</summary>
    public required long Rows { get; init; }

    /// <summary>Median scoring latency, µs (numpy's linear quantile).</summary>
    public double? LatencyP50Us { get; init; }

    /// <summary>95th percentile scoring latency, µs.</summary>
    public double? LatencyP95Us { get; init; }

    /// <summary>99th percentile scoring latency, µs.</summary>
    public double? LatencyP99Us { get; init; }

    /// <summary>Failed requests, counted from the prediction log's failed requests (the model refused the inputs or failed while scoring); null when unknown.</summary>
    public long? Errors { get; init; }

    /// <summary>Requests logged for the arm, answered and failed (the error rate's denominator); null when unknown.</summary>
    public long? WindowRequests { get; init; }

    /// <summary>Errors / window requests; null when unknown.</summary>
    public double? ErrorRate { get; init; }

    /// <summary>Rows whose label arrived.</summary>
    public required long LabelledRows { get; init; }

    /// <summary>The model metrics on the labelled rows (accuracy, precision, recall, f1 and auc; or rmse and mae).</summary>
    public required IReadOnlyDictionary<string, double> Metrics { get; init; }
}

/// <summary>The two arms' answers to the same requests (joined by request id and row).</summary>
public sealed record ArmComparison
{
    /// <summary><c>classification</c> or <c>regression</c>.</summary>
    public required string Kind { get; init; }

    /// <summary>Requests answered by both arms.</summary>
    public required long PairedRequests { get; init; }

    /// <summary>Rows answered by both arms.</summary>
    public required long PairedRows { get; init; }

    /// <summary>Classification: the share of rows where both arms predicted the same label.</summary>
    public Agreement? Agreement { get; init; }

    /// <summary>Classification: counts of (stable label, candidate label).</summary>
    public Confusion? Confusion { get; init; }

    /// <summary>Regression: the distribution of candidate − stable.</summary>
    public Differences? Differences { get; init; }
}

/// <summary>An agreement rate with its Wilson score interval.</summary>
/// <param name="Agree">Rows where both arms agree.</param>
/// <param name="Total">Rows compared.</param>
/// <param name="Rate">Agree / total.</param>
/// <param name="Low">Lower bound of the Wilson interval.</param>
/// <param name="High">Upper bound of the Wilson interval.</param>
/// <param name="Confidence">The interval's confidence level.</param>
public sealed record Agreement(long Agree, long Total, double Rate, double Low, double High, double Confidence);

/// <summary>The confusion between arms: <c>Counts[i][j]</c> rows the stable version labelled <c>Labels[i]</c> and the candidate <c>Labels[j]</c>.</summary>
/// <param name="Labels">The labels, in ordinal order.</param>
/// <param name="Counts">Rows: stable label; columns: candidate label.</param>
public sealed record Confusion(IReadOnlyList<string> Labels, IReadOnlyList<IReadOnlyList<long>> Counts);

/// <summary>The distribution of candidate − stable predictions.</summary>
/// <param name="Count">Differences.</param>
/// <param name="Mean">Mean.</param>
/// <param name="Std">Population standard deviation.</param>
/// <param name="MeanAbsolute">Mean absolute difference.</param>
/// <param name="Quantiles">Quantiles p1, p5, p25, p50, p75, p95, p99 and min, max.</param>
/// <param name="Edges">Histogram edges (bins + 1).</param>
/// <param name="Counts">Histogram counts (the last bin is closed).</param>
public sealed record Differences(long Count, double Mean, double Std, double MeanAbsolute, IReadOnlyDictionary<string, double> Quantiles, IReadOnlyList<double> Edges, IReadOnlyList<long> Counts);
