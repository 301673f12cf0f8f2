namespace Keel.Monitoring.Statistics;

/// <summary>What happens to current values outside the reference range when binning.</summary>
public enum BinningMode
{
    /// <summary>
    /// Keel's default: the first and last bins are open-ended, so every value is counted and drift
    /// beyond the reference range shows up in the outer bins.
    /// </summary>
    OpenEnded,

    /// <summary>
    /// numpy <c>histogram(x, edges)</c> as the specification wrote it: values outside
    /// [min(ref), max(ref)] are dropped. Kept by name for comparison; it can read total drift as none.
    /// </summary>
    ReferenceRange,
}

/// <summary>Reference and current counts over the same bins.</summary>
/// <param name="Edges">Bin edges (bins + 1 values).</param>
/// <param name="ReferenceCounts">Reference counts per bin.</param>
/// <param name="CurrentCounts">Current counts per bin.</param>
/// <param name="ReferenceOutside">Reference values not counted (only in <see cref="BinningMode.ReferenceRange"/>).</param>
/// <param name="CurrentOutside">Current values not counted (only in <see cref="BinningMode.ReferenceRange"/>).</param>
public sealed record BinnedCounts(double[] Edges, long[] ReferenceCounts, long[] CurrentCounts, long ReferenceOutside, long CurrentOutside);

/// <summary>Equal-width binning over the reference range (numpy <c>histogram_bin_edges(ref, bins)</c>).</summary>
public static class Binning
{
    /// <summary>Default number of bins.</summary>
    public const int DefaultBins = 10;

    /// <summary>
    /// Edges linspace(min, max, bins+1): edge_i = min + i·((max−min)/bins), the last edge = max exactly;
    /// a constant reference gets the range [min−0.5, max+0.5] (numpy's rule).
    /// </summary>
    public static double[] EqualWidthEdges(double min, double max, int bins = DefaultBins)
    {
        if (bins < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(bins), "At least one bin is needed.");
        }

        if (min == max)
        {
            min -= 0.5;
            max += 0.5;
        }

        var edges = new double[bins + 1];
        double step = (max - min) / bins;
        for (int i = 0; i < bins; i++)
        {
            edges[i] = i * step + min;
        }

        edges[bins] = max;
        return edges;
    }

    /// <summary>Bins both samples (NaN skipped) over edges taken from the reference.</summary>
    public static BinnedCounts Count(ReadOnlySpan<double> reference, ReadOnlySpan<double> current, BinningMode mode, int bins = DefaultBins)
    {
        double min = double.PositiveInfinity, max = double.NegativeInfinity;
        foreach (double v in reference)
        {
            if (!double.IsNaN(v))
            {
                min = Math.Min(min, v);
                max = Math.Max(max, v);
            }
        }

        if (double.IsInfinity(min))
        {
            throw new ArgumentException("The reference sample has no value to take bins from.");
        }

        var edges = EqualWidthEdges(min, max, bins);
        var rc = new long[bins];
        var cc = new long[bins];
        long ro = CountInto(reference, edges, rc, mode);
        long co = CountInto(current, edges, cc, mode);
        return new BinnedCounts(edges, rc, cc, ro, co);
    }

    /// <summary>
    /// Adds the bin counts of <paramref name="values"/> to <paramref name="counts"/>. Bins are
    /// [e_i, e_{i+1}) except the last, which is closed. Returns how many values were outside.
    /// </summary>
    public static long CountInto(ReadOnlySpan<double> values, ReadOnlySpan<double> edges, Span<long> counts, BinningMode mode)
    {
        int bins = edges.Length - 1;
        double lo = edges[0], hi = edges[bins];
        long outside = 0;
        foreach (double v in values)
        {
            if (double.IsNaN(v))
            {
                continue;
            }

            int idx;
            if (v < lo || v > hi)
            {
                if (mode == BinningMode.ReferenceRange)
                {
                    outside++;
                    continue;
                }

                idx = v < lo ? 0 : bins - 1;
            }
            else
            {
                idx = BinIndex(edges, v);
            }

            counts[idx]++;
        }

        return outside;
    }

    private static int BinIndex(ReadOnlySpan<double> edges, double v)
    {
        // Number of edges ≤ v, minus one; v == last edge goes into the last bin.
        int lo = 0, hi = edges.Length;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (edges[mid] <= v)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return Math.Min(lo - 1, edges.Length - 2);
    }
}
