namespace Keel.Monitoring.Statistics;

/// <summary>Helpers shared by the numeric tests: NaN removal and sorting, done once per sample.</summary>
public static class Samples
{
    /// <summary>Above this many values the two samples are sorted on two threads.</summary>
    private const int ParallelSortThreshold = 200_000;

    /// <summary>Copies the non-NaN values of <paramref name="values"/> into a new array and sorts it.</summary>
    public static double[] SortedWithoutNaN(ReadOnlySpan<double> values)
    {
        int count = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                count++;
            }
        }

        var result = GC.AllocateUninitializedArray<double>(count);
        int k = 0;
        foreach (double v in values)
        {
            if (!double.IsNaN(v))
            {
                result[k++] = v;
            }
        }

        RadixSort.Sort(result);
        return result;
    }

    /// <summary>Sorts copies of both samples without NaN, in parallel when they are large.</summary>
    public static (double[] Reference, double[] Current) SortBoth(double[] reference, double[] current)
    {
        double[]? a = null, b = null;
        if (reference.Length + current.Length >= ParallelSortThreshold)
        {
            Parallel.Invoke(() => a = SortedWithoutNaN(reference), () => b = SortedWithoutNaN(current));
        }
        else
        {
            a = SortedWithoutNaN(reference);
            b = SortedWithoutNaN(current);
        }

        return (a!, b!);
    }

    /// <summary>True when the sorted span is in non-decreasing order and has no NaN.</summary>
    internal static bool IsSorted(ReadOnlySpan<double> sorted)
    {
        for (int i = 1; i < sorted.Length; i++)
        {
            if (!(sorted[i - 1] <= sorted[i]))
            {
                return false;
            }
        }

        return sorted.Length == 0 || !double.IsNaN(sorted[0]);
    }

    /// <summary>Population standard deviation (numpy <c>std</c> with ddof=0).</summary>
    public static double PopulationStd(ReadOnlySpan<double> values) => MeanAndPopulationStd(values).Std;

    /// <summary>Mean and population standard deviation (two passes); NaN for an empty span.</summary>
    public static (double Mean, double Std) MeanAndPopulationStd(ReadOnlySpan<double> values)
    {
        if (values.Length == 0)
        {
            return (double.NaN, double.NaN);
        }

        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        double ss = 0;
        foreach (double v in values)
        {
            double d = v - mean;
            ss += d * d;
        }

        return (mean, Math.Sqrt(ss / values.Length));
    }

    /// <summary>Number of distinct values in a sorted span.</summary>
    public static int DistinctSorted(ReadOnlySpan<double> sorted)
    {
        if (sorted.Length == 0)
        {
            return 0;
        }

        int d = 1;
        for (int i = 1; i < sorted.Length; i++)
        {
            if (sorted[i] != sorted[i - 1])
            {
                d++;
            }
        }

        return d;
    }

    /// <summary>Number of distinct values in the union of two sorted spans.</summary>
    public static int DistinctSortedUnion(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int i = 0, j = 0, d = 0;
        double last = double.NaN;
        while (i < a.Length || j < b.Length)
        {
            double v = j >= b.Length || (i < a.Length && a[i] <= b[j]) ? a[i++] : b[j++];
            if (d == 0 || v != last)
            {
                d++;
                last = v;
            }
        }

        return d;
    }
}
