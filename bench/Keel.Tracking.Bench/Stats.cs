namespace Keel.Tracking.Bench;

/// <summary>Order statistics over measured durations (nearest-rank percentiles).</summary>
internal static class Stats
{
    public static double Percentile(IReadOnlyList<double> values, double p)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.ToArray();
        Array.Sort(sorted);
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }

    public static double Median(IReadOnlyList<double> values) => Percentile(values, 50);
}
