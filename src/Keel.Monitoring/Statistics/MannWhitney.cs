namespace Keel.Monitoring.Statistics;

/// <summary>Result of the Mann-Whitney U test.</summary>
/// <param name="U">U statistic of the reference sample: R₁ − n₁(n₁+1)/2.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="Exact">True when the exact null distribution was used.</param>
public readonly record struct MannWhitneyResult(double U, double PValue, bool Exact);

/// <summary>
/// Two-sided Mann-Whitney U test as <c>scipy.stats.mannwhitneyu(method='auto', use_continuity=True)</c>
/// (scipy 1.10): exact when min(n) ≤ 8 and there are no ties, otherwise the normal approximation
/// with tie correction and continuity correction.
/// </summary>
public static class MannWhitney
{
    /// <summary>Runs the test on raw samples (NaN dropped).</summary>
    public static MannWhitneyResult Test(double[] reference, double[] current)
    {
        var (a, b) = Samples.SortBoth(reference, current);
        return TestSorted(a, b);
    }

    /// <summary>Runs the test on samples sorted ascending without NaN.</summary>
    public static MannWhitneyResult TestSorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n1 = a.Length, n2 = b.Length;
        if (n1 == 0 || n2 == 0)
        {
            throw new ArgumentException("Mann-Whitney needs at least one value in each sample.");
        }

        double r1 = 0, tieTerm = 0;
        bool ties = false;
        Ranks.ForEachTieGroup(a, b, (midrank, ca, cb, _, _) =>
        {
            r1 += midrank * ca;
            double t = ca + cb;
            if (t > 1)
            {
                ties = true;
                tieTerm += t * t * t - t;
            }
        });

        double u1 = r1 - n1 * (n1 + 1) / 2.0;
        double u2 = (double)n1 * n2 - u1;
        double u = Math.Max(u1, u2);
        bool exact = !(n1 > 8 && n2 > 8) && !ties;
        double p;
        if (exact)
        {
            p = ExactSf((long)u, n1, n2);
        }
        else
        {
            double mu = (double)n1 * n2 / 2;
            double n = n1 + n2;
            double s = Math.Sqrt((double)n1 * n2 / 12 * ((n + 1) - tieTerm / (n * (n - 1))));
            double z = (u - mu - 0.5) / s;
            p = SpecialFunctions.NormalSf(z);
        }

        p = Math.Clamp(2 * p, 0.0, 1.0);
        return new MannWhitneyResult(u1, p, exact);
    }

    /// <summary>
    /// P(U ≥ u) under H0 without ties, = P(U ≤ mn − u) by symmetry. The counts of U are the
    /// coefficients of the Gaussian binomial [m+n choose m]_q, built exactly in 128-bit integers
    /// by multiplying by (1 − q^{n+i}) and dividing by (1 − q^i) for i = 1..m (only the needed low
    /// coefficients are kept).
    /// </summary>
    internal static double ExactSf(long u, int n1, int n2)
    {
        int m = Math.Min(n1, n2), n = Math.Max(n1, n2);
        long k = (long)m * n - u;
        if (k < 0)
        {
            return 0.0;
        }

        int len = (int)Math.Min(k, (long)m * n) + 1;
        var c = new Int128[len];
        c[0] = 1;
        for (int i = 1; i <= m; i++)
        {
            int shift = n + i;
            for (int x = len - 1; x >= shift; x--)
            {
                c[x] -= c[x - shift];
            }

            for (int x = i; x < len; x++)
            {
                c[x] += c[x - i];
            }
        }

        Int128 cum = 0;
        for (int x = 0; x < len; x++)
        {
            cum += c[x];
        }

        double total = 1.0;
        for (int i = 1; i <= m; i++)
        {
            total = total * (n + i) / i;
        }

        return (double)cum / Math.Round(total);
    }
}
