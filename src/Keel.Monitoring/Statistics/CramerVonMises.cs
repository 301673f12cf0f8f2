namespace Keel.Monitoring.Statistics;

/// <summary>Result of the two-sample Cramér-von Mises test.</summary>
/// <param name="Statistic">T of Anderson (1962), eq. 9.</param>
/// <param name="PValue">p-value.</param>
/// <param name="Exact">True when the exact permutation distribution was used.</param>
public readonly record struct CramerVonMisesResult(double Statistic, double PValue, bool Exact);

/// <summary>
/// Two-sample Cramér-von Mises test as <c>scipy.stats.cramervonmises_2samp(method='auto')</c>
/// (scipy 1.10): exact p-value when max(n) ≤ 20, otherwise the normalised statistic referred to
/// the limiting one-sample distribution (Csörgő &amp; Faraway 1996, eq. 1.3; scipy <c>_cdf_cvm_inf</c>).
/// </summary>
public static class CramerVonMises
{
    /// <summary>Largest sample size for which auto uses the exact distribution.</summary>
    public const int MaxExactN = 20;

    /// <summary>Runs the test on raw samples (NaN dropped).</summary>
    public static CramerVonMisesResult TwoSample(double[] reference, double[] current)
    {
        var (a, b) = Samples.SortBoth(reference, current);
        return TwoSampleSorted(a, b);
    }

    /// <summary>Runs the test on samples sorted ascending without NaN.</summary>
    public static CramerVonMisesResult TwoSampleSorted(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int nx = a.Length, ny = b.Length;
        if (nx < 2 || ny < 2)
        {
            throw new ArgumentException("Cramér-von Mises needs at least two values in each sample.");
        }

        // U = nx Σ(r_i − i)² + ny Σ(s_j − j)², ranks of the sorted samples in the pooled sample (midranks for ties).
        double ux = 0, uy = 0;
        Ranks.ForEachTieGroup(a, b, (midrank, ca, cb, firstA, firstB) =>
        {
            for (int q = 0; q < ca; q++)
            {
                double d = midrank - (firstA + q + 1);
                ux += d * d;
            }

            for (int q = 0; q < cb; q++)
            {
                double d = midrank - (firstB + q + 1);
                uy += d * d;
            }
        });

        double u = nx * ux + ny * uy;
        double k = (double)nx * ny, bigN = nx + ny;
        double t = u / (k * bigN) - (4 * k - 1) / (6 * bigN);
        if (Math.Max(nx, ny) <= MaxExactN)
        {
            return new CramerVonMisesResult(t, ExactPValue(u, nx, ny), true);
        }

        double et = (1 + 1 / bigN) / 6;
        double vt = (bigN + 1) * (4 * k * bigN - 3 * ((double)nx * nx + (double)ny * ny) - 2 * k);
        vt /= 45 * bigN * bigN * 4 * k;
        double tn = 1.0 / 6 + (t - et) / Math.Sqrt(45 * vt);
        double p = tn < 0.003 ? 1.0 : Math.Max(0, 1.0 - LimitingCdf(tn));
        return new CramerVonMisesResult(t, p, false);
    }

    /// <summary>
    /// CDF of the limiting Cramér-von Mises distribution, the series of Csörgő &amp; Faraway (1996)
    /// eq. 1.3 with modified Bessel functions K_{1/4}, summed until a term drops below 1e-7 (as scipy).
    /// </summary>
    public static double LimitingCdf(double x)
    {
        double total = 0;
        for (int k = 0; ; k++)
        {
            double u = Math.Exp(SpecialFunctions.LogGamma(k + 0.5) - SpecialFunctions.LogGamma(k + 1)) / (Math.Pow(Math.PI, 1.5) * Math.Sqrt(x));
            double y = 4 * k + 1;
            double q = y * y / (16 * x);
            double z = u * Math.Sqrt(y) * Math.Exp(-q) * SpecialFunctions.BesselK(0.25, q);
            total += z;
            if (!(Math.Abs(z) >= 1e-7))
            {
                return total;
            }
        }
    }

    /// <summary>
    /// Exact P(T ≥ t): counts lattice paths (one step per pooled observation) whose sum of squared
    /// scaled ECDF differences Σ(a·v − b·u)² reaches ζ, the image of the observed U (scipy's
    /// generating-function method). Paths that already reach ζ are counted with all their completions.
    /// </summary>
    internal static double ExactPValue(double u, int m, int n)
    {
        long lcm = m / SpecialFunctions.Gcd(m, n) * n;
        long a = lcm / m, b = lcm / n;
        long zeta = Zeta(u, m, n, lcm);
        var binom = Binomials(m + n);

        // states[v]: map from partial sum to number of paths after (v x-steps, u y-steps).
        var states = new Dictionary<long, long>[m + 1];
        for (int v = 0; v <= m; v++)
        {
            states[v] = [];
        }

        states[0][0] = 1;
        long hits = 0;
        for (int uu = 0; uu <= n; uu++)
        {
            for (int v = 0; v <= m; v++)
            {
                if (uu == 0 && v == 0)
                {
                    continue;
                }

                var next = new Dictionary<long, long>();
                long d = a * v - b * uu;
                long add = d * d;
                void Merge(Dictionary<long, long> from)
                {
                    foreach (var (s, c) in from)
                    {
                        long ns = s + add;
                        if (ns >= zeta)
                        {
                            hits += c * binom[m - v + n - uu][m - v];
                        }
                        else
                        {
                            next[ns] = next.GetValueOrDefault(ns) + c;
                        }
                    }
                }

                if (v > 0)
                {
                    Merge(states[v - 1]);
                }

                if (uu > 0)
                {
                    Merge(states[v]);
                }

                states[v] = next;
            }

        }

        return hits / (double)binom[m + n][m];
    }

    /// <summary>
    /// ζ = ⌊lcm²(m+n)(6U − mn(4mn−1)) / (6m²n²)⌋ in exact integer arithmetic (U is a multiple of
    /// 1/4 with mid-ranks), so that equality with a path's sum is decided exactly.
    /// </summary>
    private static long Zeta(double u, int m, int n, long lcm)
    {
        double u4d = u * 4;
        if (Math.Abs(u4d - Math.Round(u4d)) > 1e-6)
        {
            double mnD = (double)m * n;
            return (long)Math.Floor((double)lcm * lcm * (m + n) * (6 * u - mnD * (4 * mnD - 1)) / (6 * mnD * mnD));
        }

        Int128 u4 = (Int128)Math.Round(u4d);
        Int128 mn = (Int128)m * n;
        Int128 num = (Int128)lcm * lcm * (m + n) * (6 * u4 - 4 * mn * (4 * mn - 1));
        Int128 den = 24 * mn * mn;
        Int128 q = num / den;
        if (num % den != 0 && num < 0)
        {
            q -= 1;
        }

        return (long)q;
    }

    private static long[][] Binomials(int n)
    {
        var c = new long[n + 1][];
        for (int i = 0; i <= n; i++)
        {
            c[i] = new long[i + 1];
            c[i][0] = c[i][i] = 1;
            for (int j = 1; j < i; j++)
            {
                c[i][j] = c[i - 1][j - 1] + c[i - 1][j];
            }
        }

        return c;
    }
}
