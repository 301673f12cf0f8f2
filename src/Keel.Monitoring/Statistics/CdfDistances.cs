namespace Keel.Monitoring.Statistics;

/// <summary>How a Wasserstein distance is normalised.</summary>
public enum WassersteinNormalization
{
    /// <summary>W1 in the units of the data (scipy <c>wasserstein_distance</c>).</summary>
    None,

    /// <summary>W1 / (max − min of both samples); 0 when that range is 0 (the specification's variant).</summary>
    Range,

    /// <summary>W1 / max(population std of the reference, 0.001) (Evidently's "normed" Wasserstein).</summary>
    ReferenceStd,
}

/// <summary>
/// Distances between empirical CDFs: Wasserstein-1 and the energy distance, computed exactly as
/// scipy's <c>_cdf_distance</c> (∫|F−G|^p over the pooled sorted values) with one merge pass.
/// </summary>
public static class CdfDistances
{
    /// <summary>Wasserstein-1 distance between the raw samples (NaN dropped).</summary>
    public static double Wasserstein(double[] reference, double[] current, WassersteinNormalization normalization = WassersteinNormalization.None)
    {
        var (a, b) = Samples.SortBoth(reference, current);
        return WassersteinSorted(a, b, normalization);
    }

    /// <summary>Wasserstein-1 distance between samples sorted ascending without NaN.</summary>
    public static double WassersteinSorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b, WassersteinNormalization normalization = WassersteinNormalization.None)
    {
        double w = Integrate(a, b, power: 1);
        switch (normalization)
        {
            case WassersteinNormalization.Range:
                double range = Math.Max(a[^1], b[^1]) - Math.Min(a[0], b[0]);
                return range > 0 ? w / range : 0.0;
            case WassersteinNormalization.ReferenceStd:
                return w / Math.Max(Samples.PopulationStd(a), 0.001);
            default:
                return w;
        }
    }

    /// <summary>Energy distance √2·(∫(F−G)²)^{1/2} between the raw samples (scipy <c>energy_distance</c>).</summary>
    public static double Energy(double[] reference, double[] current)
    {
        var (a, b) = Samples.SortBoth(reference, current);
        return EnergySorted(a, b);
    }

    /// <summary>Energy distance between samples sorted ascending without NaN.</summary>
    public static double EnergySorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b) => Math.Sqrt(2) * Math.Sqrt(Integrate(a, b, power: 2));

    private static double Integrate(ReadOnlySpan<double> a, ReadOnlySpan<double> b, int power)
    {
        int n1 = a.Length, n2 = b.Length;
        if (n1 == 0 || n2 == 0)
        {
            throw new ArgumentException("A CDF distance needs at least one value in each sample.");
        }

        int i = 0, j = 0;
        double sum = 0;
        double prev = a[0] <= b[0] ? a[0] : b[0];

        // Walk the pooled sorted values; between consecutive pooled values the CDFs are constant.
        while (i < n1 || j < n2)
        {
            double v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
            if (v != prev)
            {
                double diff = i / (double)n1 - j / (double)n2;
                double delta = v - prev;
                sum += power == 1 ? Math.Abs(diff) * delta : diff * diff * delta;
                prev = v;
            }

            while (i < n1 && a[i] == v)
            {
                i++;
            }

            while (j < n2 && b[j] == v)
            {
                j++;
            }
        }

        return sum;
    }
}
