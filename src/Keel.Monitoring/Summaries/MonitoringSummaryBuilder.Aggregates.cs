using Keel.Core.Monitoring;

namespace Keel.Monitoring.Summaries;

// Drift by feature and the metric's trend over the period's windows.
public static partial class MonitoringSummaryBuilder
{
    private static DriftSummary Drift(List<MonitorWindow> windows)
    {
        var shares = windows.Where(w => w.DriftedShare is not null).Select(w => w.DriftedShare!.Value).ToList();
        var features = windows
            .SelectMany(w => w.Features.Select(f => (Window: w, Drift: f)))
            .GroupBy(x => (x.Drift.Feature, x.Drift.Kind))
            .Select(g => new FeatureDriftSummary(
                g.Key.Feature, g.Key.Kind, g.Count(), g.Count(x => x.Drift.Drifted),
                g.Max(x => double.IsFinite(x.Drift.Score) ? x.Drift.Score : 0),
                g.Where(x => x.Drift.Drifted).Select(x => (long?)x.Window.EndMs).Max()))
            .OrderByDescending(f => f.DriftedWindows).ThenBy(f => f.Kind, StringComparer.Ordinal).ThenBy(f => f.Feature, StringComparer.Ordinal)
            .ToList();
        return new DriftSummary(
            shares.Count, windows.Count(w => w.DatasetDrift == true),
            shares.Count > 0 ? shares.Average() : null, shares.Count > 0 ? shares.Max() : null, shares.Count > 0 ? shares[^1] : null, features);
    }

    private static PerformanceSummary? Performance(List<MonitorWindow> windows)
    {
        var latest = windows.LastOrDefault(w => w.Performance is not null)?.Performance;
        if (latest is null)
        {
            return null;
        }

        var same = windows.Where(w => w.Performance?.Metric == latest.Metric).Select(w => w.Performance!).ToList();
        var realised = same.Where(p => p.Value is { } v && double.IsFinite(v)).Select(p => (p.Value!.Value, p.LabelledRows)).ToList();
        var estimated = same.Where(p => p.Estimated is { } v && double.IsFinite(v)).Select(p => (p.Estimated!.Value, p.EstimatedRows)).ToList();
        return new PerformanceSummary(latest.Metric, latest.HigherIsBetter, latest.Validation, Trend(realised), Trend(estimated));
    }

    private static MetricTrend? Trend(List<(double Value, long Rows)> points)
    {
        if (points.Count == 0)
        {
            return null;
        }

        double mean = points.Average(p => p.Value);
        double std = Math.Sqrt(points.Sum(p => (p.Value - mean) * (p.Value - mean)) / points.Count);
        long rows = points.Sum(p => p.Rows);
        double weighted = rows > 0 ? points.Sum(p => p.Value * p.Rows) / rows : mean;
        return new MetricTrend(points.Count, rows, mean, std, points.Min(p => p.Value), points.Max(p => p.Value), weighted, points[0].Value, points[^1].Value, points[^1].Value - points[0].Value);
    }
}
