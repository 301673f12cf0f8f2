using Keel.ML.Pipeline;

namespace Keel.ML.Evaluation;

/// <summary>A threshold checked against a metric value.</summary>
/// <param name="Metric">The metric name.</param>
/// <param name="Value">Its value (NaN when undefined or absent).</param>
/// <param name="Min">The floor, or null.</param>
/// <param name="Max">The ceiling, or null.</param>
/// <param name="Passed">Whether the value lies within the bounds (an undefined value never passes).</param>
public sealed record ThresholdCheck(string Metric, double Value, double? Min, double? Max, bool Passed);

/// <summary>
/// Checks metrics against a pipeline's thresholds (the specification's
/// <c>ModelValidator.validate_model_performance</c>, with ceilings for losses as well as floors).
/// </summary>
public static class MetricGate
{
    /// <summary>One check per threshold, in metric-name order.</summary>
    public static IReadOnlyList<ThresholdCheck> Check(
        IReadOnlyDictionary<string, MetricThreshold> thresholds, IReadOnlyDictionary<string, double> metrics)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        ArgumentNullException.ThrowIfNull(metrics);
        return thresholds.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t =>
        {
            var value = metrics.GetValueOrDefault(t.Key, double.NaN);
            var passed = !double.IsNaN(value) && (t.Value.Min is not { } min || value >= min) && (t.Value.Max is not { } max || value <= max);
            return new ThresholdCheck(t.Key, value, t.Value.Min, t.Value.Max, passed);
        }).ToList();
    }
}
