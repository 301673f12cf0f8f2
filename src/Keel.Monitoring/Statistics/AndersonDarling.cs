namespace Keel.Monitoring.Statistics;

/// <summary>Result of the k-sample Anderson-Darling test.</summary>
/// <param name="Statistic">Normalised A²_akN (Scholz &amp; Stephens 1987).</param>
/// <param name="SignificanceLevel">Approximate p-value, capped to [0.001, 0.25] like scipy.</param>
/// <param name="CriticalValues">Critical values for 25%, 10%, 5%, 2.5%, 1%, 0.5%, 0.1%.</param>
/// <param name="Capped">+1 when capped at 0.25, −1 when floored at 0.001, 0 otherwise.</param>
public sealed record AndersonDarlingResult(double Statistic, double SignificanceLevel, double[] CriticalValues, int Capped);

/// <summary>
/// Anderson-Darling k-sample test (midrank version) as <c>scipy.stats.anderson_ksamp(midrank=True)</c>
/// of scipy 1.10, including its quadratic interpolation of log(significance) over the critical values.
/// </summary>
public static class AndersonDarling
{
    private static readonly double[] B0 = [0.675, 1.281, 1.645, 1.96, 2.326, 2.573, 3.085];
    private static readonly double[] B1 = [-0.245, 0.25, 0.678, 1.149, 1.822, 2.364, 3.615];
    private static readonly double[] B2 = [-0.105, -0.305, -0.362, -0.391, -0.396, -0.345, -0.154];
    private static readonly double[] Sig = [0.25, 0.1, 0.05, 0.025, 0.01, 0.005, 0.001];

    /// <summary>Two-sample test on raw samples (NaN dropped).</summary>
    /// <exception cref="ArgumentException">Fewer than two distinct values overall, or an empty sample (scipy raises).</exception>
    public static AndersonDarlingResult TwoSample(double[] reference, double[] current)
    {
        var (a, b) = Samples.SortBoth(reference, current);
        return TwoSampleSorted(a, b);
    }

    /// <summary>Two-sample test on samples sorted ascending without NaN.</summary>
    public static AndersonDarlingResult TwoSampleSorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        if (a.Length == 0 || b.Length == 0)
        {
            throw new ArgumentException("anderson_ksamp encountered sample without observations");
        }

        if (Samples.DistinctSortedUnion(a, b) < 2)
        {
            throw new ArgumentException("anderson_ksamp needs more than one distinct observation");
        }

        const int k = 2;
        double n1 = a.Length, n2 = b.Length, bigN = n1 + n2;
        double sum1 = 0, sum2 = 0;
        double m1 = 0, m2 = 0, seen = 0;
        Ranks.ForEachTieGroup(a, b, (_, ca, cb, _, _) =>
        {
            double lj = ca + cb;
            double bj = seen + lj / 2.0;
            double mij1 = m1 + ca - ca / 2.0;
            double mij2 = m2 + cb - cb / 2.0;
            double denom = bj * (bigN - bj) - bigN * lj / 4.0;
            double t1 = bigN * mij1 - bj * n1;
            double t2 = bigN * mij2 - bj * n2;
            sum1 += lj / bigN * t1 * t1 / denom;
            sum2 += lj / bigN * t2 * t2 / denom;
            m1 += ca;
            m2 += cb;
            seen += lj;
        });

        double a2kN = (sum1 / n1 + sum2 / n2) * (bigN - 1.0) / bigN;

        double h = 0, g = 0, hsCs = 0;
        for (double i = bigN - 1; i > 1; i--)
        {
            hsCs += 1.0 / i;
            g += hsCs / (bigN - i + 1);
        }

        h = hsCs + 1;
        double bigH = 1.0 / n1 + 1.0 / n2;
        double ca2 = (4 * g - 6) * (k - 1) + (10 - 6 * g) * bigH;
        double cb2 = (2 * g - 4) * k * k + 8 * h * k + (2 * g - 14 * h - 4) * bigH - 8 * h + 4 * g - 6;
        double cc = (6 * h + 2 * g - 2) * k * k + (4 * h - 4 * g + 6) * k + (2 * h - 6) * bigH + 4 * h;
        double cd = (2 * h + 6) * k * k - 4 * h * k;
        double sigmaSq = (ca2 * bigN * bigN * bigN + cb2 * bigN * bigN + cc * bigN + cd) / ((bigN - 1.0) * (bigN - 2.0) * (bigN - 3.0));
        const double m = k - 1;
        double a2 = (a2kN - m) / Math.Sqrt(sigmaSq);

        var critical = new double[7];
        for (int i = 0; i < 7; i++)
        {
            critical[i] = B0[i] + B1[i] / Math.Sqrt(m) + B2[i] / m;
        }

        if (a2 < critical[0])
        {
            return new AndersonDarlingResult(a2, 0.25, critical, 1);
        }

        if (a2 > critical[6])
        {
            return new AndersonDarlingResult(a2, 0.001, critical, -1);
        }

        var logSig = new double[7];
        for (int i = 0; i < 7; i++)
        {
            logSig[i] = Math.Log(Sig[i]);
        }

        var coef = Polynomial.FitQuadratic(critical, logSig);
        double p = Math.Exp((coef[0] * a2 + coef[1]) * a2 + coef[2]);
        return new AndersonDarlingResult(a2, p, critical, 0);
    }
}
