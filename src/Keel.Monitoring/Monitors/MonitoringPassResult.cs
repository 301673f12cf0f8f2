using Keel.Core.Validation.Gates;
using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Monitors;

/// <summary>What one monitoring pass found.</summary>
public sealed record MonitoringPassResult
{
    /// <summary>The registered model.</summary>
    public required string Model { get; init; }

    /// <summary>The version monitored.</summary>
    public required string Version { get; init; }

    /// <summary>Start of the window (inclusive, Unix ms); null for the beginning of the log.</summary>
    public long? FromMs { get; init; }

    /// <summary>End of the window (exclusive, Unix ms); null for no end.</summary>
    public long? ToMs { get; init; }

    /// <summary>Where the reference came from (<c>training</c> or a baseline file); null without a reference.</summary>
    public string? ReferenceSource { get; init; }

    /// <summary>Rows of the reference.</summary>
    public int ReferenceRows { get; init; }

    /// <summary>Requests of this version in the window.</summary>
    public long Requests { get; init; }

    /// <summary>Requests in the window answered by other versions of the model (not monitored here).</summary>
    public long OtherVersionRequests { get; init; }

    /// <summary>Requests logged without input values (hash or none mode): their predictions count, their inputs cannot.</summary>
    public long RequestsWithoutInputs { get; init; }

    /// <summary>Requests skipped because their logged JSON was malformed.</summary>
    public long MalformedRequests { get; init; }

    /// <summary>Input rows in the window.</summary>
    public int InputRows { get; init; }

    /// <summary>Predictions in the window.</summary>
    public int PredictionRows { get; init; }

    /// <summary>
    /// Input rows drift and quality were judged on when the window had more than
    /// <see cref="MonitoringPassOptions.MaxDriftRows"/> (a uniform sample of that many); null when every row was used.
    /// </summary>
    public int? SampledInputRows { get; init; }

    /// <summary>Predictions prediction drift was judged on when there were more than <see cref="MonitoringPassOptions.MaxDriftRows"/>; null when all were used.</summary>
    public int? SampledPredictionRows { get; init; }

    /// <summary>Drift of every input feature; null without a reference or input rows.</summary>
    public DriftReport? InputDrift { get; init; }

    /// <summary>Drift of the predictions (<c>prediction</c>, and <c>probability</c> for classifiers); null when the reference has no predictions.</summary>
    public DriftReport? PredictionDrift { get; init; }

    /// <summary>Data quality against the training profile; null when the package has no profile or there are no input rows.</summary>
    public QualityGateResult? Quality { get; init; }
}
