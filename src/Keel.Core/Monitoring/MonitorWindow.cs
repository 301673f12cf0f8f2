namespace Keel.Core.Monitoring;

/// <summary>
/// What one monitor found over one window of the prediction log for one model version (and, for a
/// deployment, one arm): traffic, drift, data quality and performance. Stored as a time series by
/// <see cref="IMonitoringStore"/>; the same window computed twice replaces the first (its key is
/// model, version, deployment, arm, start and end).
/// </summary>
public sealed record MonitorWindow
{
    /// <summary>Store id; 0 until stored.</summary>
    public long Id { get; init; }

    /// <summary>The registered model.</summary>
    public required string Model { get; init; }

    /// <summary>The version that answered.</summary>
    public required string Version { get; init; }

    /// <summary>The deployment the requests went to; null for requests served directly.</summary>
    public string? Deployment { get; init; }

    /// <summary>The arm (<see cref="Predictions.DeploymentArms"/>); null outside a deployment.</summary>
    public string? Arm { get; init; }

    /// <summary>Start of the window, inclusive, Unix ms.</summary>
    public required long StartMs { get; init; }

    /// <summary>End of the window, exclusive, Unix ms.</summary>
    public required long EndMs { get; init; }

    /// <summary>When the window was computed, Unix ms.</summary>
    public long ComputedAtMs { get; init; }

    /// <summary>Requests logged in the window.</summary>
    public long Requests { get; init; }

    /// <summary>Requests that failed (server errors) in the window, where known; 0 otherwise.</summary>
    public long Errors { get; init; }

    /// <summary>Median request latency, microseconds; null without requests.</summary>
    public double? LatencyP50Us { get; init; }

    /// <summary>99th percentile of request latency, microseconds; null without requests.</summary>
    public double? LatencyP99Us { get; init; }

    /// <summary>Input rows compared with the reference.</summary>
    public long InputRows { get; init; }

    /// <summary>Where the reference came from (<c>training</c>, a baseline file); null without one (no drift then).</summary>
    public string? ReferenceSource { get; init; }

    /// <summary>Share of compared input features that drifted (after correction); null without drift results.</summary>
    public double? DriftedShare { get; init; }

    /// <summary>The drift engine's dataset verdict; null without drift results.</summary>
    public bool? DatasetDrift { get; init; }

    /// <summary>Drift of each input feature and of each prediction column.</summary>
    public IReadOnlyList<FeatureDrift> Features { get; init; } = [];

    /// <summary>Data quality against the training profile; null without a profile or rows.</summary>
    public WindowQuality? Quality { get; init; }

    /// <summary>Realised and estimated performance; null when the task has no metric here.</summary>
    public WindowPerformance? Performance { get; init; }
}

/// <summary>Drift of one column in one window.</summary>
/// <param name="Feature">The column (an input feature, or <c>prediction</c>/<c>probability</c>).</param>
/// <param name="Kind"><c>input</c> or <c>prediction</c>.</param>
/// <param name="Method">The test or distance used (e.g. <c>ks</c>, <c>psi</c>, <c>chisquare</c>).</param>
/// <param name="Score">The statistic or distance.</param>
/// <param name="PValue">The (corrected) p-value, for tests; null for distances.</param>
/// <param name="Threshold">The threshold the verdict used.</param>
/// <param name="Drifted">The verdict.</param>
public sealed record FeatureDrift(string Feature, string Kind, string Method, double Score, double? PValue, double Threshold, bool Drifted);

/// <summary>Data quality of one window against the training profile.</summary>
/// <param name="Passed">Whether every check held.</param>
/// <param name="MaxMissingShare">Highest share of missing values over the features.</param>
/// <param name="MaxOutOfRangeShare">Highest share of numbers outside the training range.</param>
/// <param name="MaxUnseenShare">Highest share of categories never seen in training.</param>
/// <param name="Failures">The failed checks, one line each (feature and what failed).</param>
public sealed record WindowQuality(bool Passed, double MaxMissingShare, double MaxOutOfRangeShare, double MaxUnseenShare, IReadOnlyList<string> Failures);

/// <summary>
/// The task's headline metric in one window: realised from feedback labels, estimated without them
/// (confidence-based, for calibrated classifiers), and the version's validation value to compare with.
/// </summary>
/// <param name="Metric">The metric (e.g. <c>accuracy</c>, <c>auc</c>, <c>rmse</c>).</param>
/// <param name="HigherIsBetter">Whether a larger value is better.</param>
/// <param name="Value">The realised metric over the labelled rows; null without labels.</param>
/// <param name="LabelledRows">Rows with a label.</param>
/// <param name="Estimated">The estimated metric over every row; null when not estimable.</param>
/// <param name="EstimatedRows">Rows the estimate used.</param>
/// <param name="Validation">The version's validation metric; null when unknown.</param>
public sealed record WindowPerformance(string Metric, bool HigherIsBetter, double? Value, long LabelledRows, double? Estimated, long EstimatedRows, double? Validation);
