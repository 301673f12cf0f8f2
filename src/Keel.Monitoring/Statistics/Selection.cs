namespace Keel.Monitoring.Statistics;

/// <summary>
/// Quantiles by selection (Hoare's FIND, median-of-three pivots) instead of a sort: numpy's default
/// linear quantile needs only the order statistics at ⌊h⌋ and ⌊h⌋ + 1 (h = level × (n − 1)), which
/// a selection finds in linear expected time where a sort takes n log n.
/// </summary>
internal static class Selection
{
    /// <summary>
    /// numpy's default (linear) quantile of <paramref name="values"/>, equal to
    /// <see cref="Performance.PredictionStatistics.Quantile"/> over the sorted values; the values
    /// are reordered (not sorted). No NaN among them.
    /// </summary>
    public static double Quantile(Span<double> values, double level)
    {
        if (values.IsEmpty)
        {
            throw new ArgumentException("No values.", nameof(values));
        }

        double pos = level * (values.Length - 1);
        int lo = (int)Math.Floor(pos);
        double low = Select(values, lo);
        // After the selection every value right of lo is at least values[lo]: the next order statistic is their minimum.
        double high = lo + 1 < values.Length ? Min(values[(lo + 1)..]) : low;
        return low + (high - low) * (pos - lo);
    }

    /// <summary>The <paramref name="k"/>-th smallest value (0-based), moved to position k with no larger value left of it and no smaller right of it.</summary>
    public static double Select(Span<double> values, int k)
    {
        int left = 0, right = values.Length - 1;
        while (left < right)
        {
            double pivot = MedianOfThree(values[left], values[left + ((right - left) >> 1)], values[right]);
            int i = left, j = right;
            while (i <= j)
            {
                while (values[i] < pivot)
                {
                    i++;
                }

                while (values[j] > pivot)
                {
                    j--;
                }

                if (i <= j)
                {
                    (values[i], values[j]) = (values[j], values[i]);
                    i++;
                    j--;
                }
            }

            // [left, j] ≤ pivot, [i, right] ≥ pivot, and everything between equals the pivot.
            if (k <= j)
            {
                right = j;
            }
            else if (k >= i)
            {
                left = i;
            }
            else
            {
                return values[k];
            }
        }

        return values[k];
    }

    private static double Min(ReadOnlySpan<double> values)
    {
        double min = values[0];
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] < min)
            {
                min = values[i];
            }
        }

        return min;
    }

    private static double MedianOfThree(double a, double b, double c) =>
        a < b ? (b < c ? b : a < c ? c : a) : (a < c ? a : b < c ? c : b);
}
