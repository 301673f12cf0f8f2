namespace Keel.Monitoring.Performance;

/// <summary>
/// Estimates a classifier's metric over a window before its labels arrive, from the predicted
/// probabilities alone (confidence-based performance estimation, as NannyML's CBPE does). Only
/// sound for calibrated probabilities: an estimator checks (or fits) calibration on reference data
/// with labels and returns null when it cannot vouch for the estimate.
/// </summary>
public interface IPerformanceEstimator
{
    /// <summary>The estimate, or null when the metric, the task or the data does not allow one.</summary>
    PerformanceEstimate? Estimate(PerformanceEstimateInput input);
}

/// <summary>What an estimate is made from.</summary>
/// <param name="Metric">The metric to estimate (e.g. <c>accuracy</c>, <c>auc</c>, <c>f1</c>).</param>
/// <param name="Classes">The class labels, in the order of each probability vector.</param>
/// <param name="Probabilities">One probability vector per row of the window.</param>
/// <param name="Predicted">The predicted class of each row of the window.</param>
public sealed record PerformanceEstimateInput(string Metric, IReadOnlyList<string> Classes, IReadOnlyList<double[]> Probabilities, IReadOnlyList<string> Predicted)
{
    /// <summary>Reference rows with labels (probability vectors) to check or fit calibration on; empty when none.</summary>
    public IReadOnlyList<double[]> ReferenceProbabilities { get; init; } = [];

    /// <summary>The true class of each reference row, in the order of <see cref="ReferenceProbabilities"/>.</summary>
    public IReadOnlyList<string> ReferenceLabels { get; init; } = [];
}

/// <summary>An estimated metric.</summary>
/// <param name="Metric">The metric.</param>
/// <param name="Value">The estimate.</param>
/// <param name="Rows">Rows it covers.</param>
/// <param name="StandardError">Its sampling standard error, when known.</param>
public sealed record PerformanceEstimate(string Metric, double Value, long Rows, double? StandardError);
