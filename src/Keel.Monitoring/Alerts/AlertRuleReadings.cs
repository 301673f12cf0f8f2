using System.Globalization;
using Keel.Core.Monitoring;

namespace Keel.Monitoring.Alerts;

/// <summary>
/// Reads a rule's value from a stored window (<see cref="AlertRuleKinds"/>) and judges it against the
/// rule's threshold and clear threshold. A window without what the rule needs (no labels for a
/// metric rule, no requests for an error rate, no drift verdict) has no reading: it neither breaches
/// nor clears.
/// </summary>
/// <remarks>
/// The values: <c>drifted_share</c> the window's drifted share of input features (0..1);
/// <c>metric</c> the realised metric over the labelled rows; <c>metric_drop</c> how far the realised
/// metric is worse than the version's validation metric (validation − value when higher is better,
/// value − validation otherwise); <c>estimated_metric</c> the label-free estimate;
/// <c>data_quality</c> 1 when a quality check failed and 0 when all held, or, with a threshold, the
/// largest of the missing, out-of-range and unseen shares; <c>error_rate</c> errors ÷ requests;
/// <c>latency_p99</c> the p99 latency in milliseconds; <c>no_traffic</c> the requests. A metric (or
/// estimate) breaches when it is worse than the threshold in the metric's own direction
/// (<see cref="WindowPerformance.HigherIsBetter"/>); <c>no_traffic</c> breaches under its threshold;
/// every other kind breaches over it. Equal to the threshold is not a breach; equal to the clear
/// threshold is clear.
/// </remarks>
public static class AlertRuleReadings
{
    /// <summary>The reading of <paramref name="rule"/> (normalised) on <paramref name="window"/>, or null when the window has no data for it.</summary>
    public static AlertReading? Read(AlertRule rule, MonitorWindow window)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(window);
        var performance = window.Performance;
        switch (rule.Kind)
        {
            case AlertRuleKinds.DriftedShare:
                return window.DriftedShare is { } share
                    ? Judge(rule, share, higherIsWorse: true, v => $"drifted share {Format(v)} of input features")
                    : null;
            case AlertRuleKinds.Metric:
                return performance is { Value: { } value, LabelledRows: > 0 }
                    ? Judge(rule, value, !performance.HigherIsBetter, v => $"{performance.Metric} {Format(v)} over {performance.LabelledRows} labelled rows")
                    : null;
            case AlertRuleKinds.MetricDrop:
                return performance is { Value: { } realised, LabelledRows: > 0, Validation: { } validation }
                    ? Judge(rule, performance.HigherIsBetter ? validation - realised : realised - validation, higherIsWorse: true, v => $"{performance.Metric} {Format(realised)} over {performance.LabelledRows} labelled rows, {Format(v)} worse than validation ({Format(validation)})")
                    : null;
            case AlertRuleKinds.EstimatedMetric:
                return performance is { Estimated: { } estimated }
                    ? Judge(rule, estimated, !performance.HigherIsBetter, v => $"estimated {performance.Metric} {Format(v)} over {performance.EstimatedRows} rows")
                    : null;
            case AlertRuleKinds.DataQuality:
                return window.Quality is { } quality ? Quality(rule, quality) : null;
            case AlertRuleKinds.ErrorRate:
                return window.Requests > 0
                    ? Judge(rule, (double)window.Errors / window.Requests, higherIsWorse: true, v => $"error rate {Format(v)} ({window.Errors} of {window.Requests} requests)")
                    : null;
            case AlertRuleKinds.LatencyP99:
                return window.LatencyP99Us is { } p99
                    ? Judge(rule, p99 / 1000.0, higherIsWorse: true, v => $"p99 latency {Format(v)} ms over {window.Requests} requests")
                    : null;
            case AlertRuleKinds.NoTraffic:
                return Judge(rule, window.Requests, higherIsWorse: false, v => $"{window.Requests} requests in the window");
            default:
                return null;
        }
    }

    private static AlertReading? Quality(AlertRule rule, WindowQuality quality)
    {
        if (rule.Threshold is null)
        {
            // Without a threshold the quality gate's own verdict decides: 1 failed, 0 passed.
            var failed = quality.Passed ? 0.0 : 1.0;
            var what = quality.Passed ? "data quality checks passed" : $"data quality failed: {string.Join("; ", quality.Failures.Take(5))}";
            return new AlertReading(failed, failed > 0 ? AlertVerdict.Breach : AlertVerdict.Clear, 0, 0, HigherIsWorse: true, what);
        }

        var worst = Math.Max(quality.MaxMissingShare, Math.Max(quality.MaxOutOfRangeShare, quality.MaxUnseenShare));
        return Judge(rule, worst, higherIsWorse: true, v => $"worst data quality share {Format(v)} (missing {Format(quality.MaxMissingShare)}, out of range {Format(quality.MaxOutOfRangeShare)}, unseen {Format(quality.MaxUnseenShare)})");
    }

    private static AlertReading? Judge(AlertRule rule, double value, bool higherIsWorse, Func<double, string> describe)
    {
        if (!double.IsFinite(value))
        {
            return null;
        }

        var threshold = rule.Threshold ?? 0;
        var clear = rule.ClearThreshold ?? threshold;
        AlertVerdict verdict;
        string relation;
        if (higherIsWorse ? value > threshold : value < threshold)
        {
            verdict = AlertVerdict.Breach;
            relation = higherIsWorse ? $"over {Format(threshold)}" : $"under {Format(threshold)}";
        }
        else if (higherIsWorse ? value <= clear : value >= clear)
        {
            verdict = AlertVerdict.Clear;
            relation = clear == threshold ? $"within {Format(threshold)}" : $"back past the clear threshold {Format(clear)}";
        }
        else
        {
            verdict = AlertVerdict.Hold;
            relation = $"between the threshold {Format(threshold)} and the clear threshold {Format(clear)}";
        }

        return new AlertReading(value, verdict, threshold, clear, higherIsWorse, $"{describe(value)}: {relation}");
    }

    /// <summary>A value for people: up to four significant decimals, invariant culture.</summary>
    internal static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
