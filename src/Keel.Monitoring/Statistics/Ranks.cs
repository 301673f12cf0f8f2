namespace Keel.Monitoring.Statistics;

/// <summary>Mid-ranks of the pooled sample, computed by merging two sorted samples (scipy <c>rankdata(method='average')</c>).</summary>
internal static class Ranks
{
    /// <summary>
    /// Walks the merged sorted samples group by group of equal values. For each group, calls
    /// <paramref name="onGroup"/> with (midrank, count in a, count in b, index of first a, index of first b).
    /// </summary>
    public static void ForEachTieGroup(ReadOnlySpan<double> a, ReadOnlySpan<double> b, TieGroupAction onGroup)
    {
        int i = 0, j = 0;
        long seen = 0;
        while (i < a.Length || j < b.Length)
        {
            double v = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i] : b[j];
            int i0 = i, j0 = j;
            while (i < a.Length && a[i] == v)
            {
                i++;
            }

            while (j < b.Length && b[j] == v)
            {
                j++;
            }

            int ca = i - i0, cb = j - j0;
            long t = ca + cb;
            double midrank = seen + (t + 1) / 2.0;
            onGroup(midrank, ca, cb, i0, j0);
            seen += t;
        }
    }

    public delegate void TieGroupAction(double midrank, int countA, int countB, int firstA, int firstB);
}
