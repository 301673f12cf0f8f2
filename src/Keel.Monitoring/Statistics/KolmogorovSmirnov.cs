namespace Keel.Monitoring.Statistics;

/// <summary>How the two-sample Kolmogorov-Smirnov p-value is computed.</summary>
public enum KsMethod
{
    /// <summary>scipy 1.10's rule: exact when max(n1, n2) ≤ 10,000, asymptotic otherwise.</summary>
    Auto,

    /// <summary>Exact distribution of D under H0 for continuous data (Hodges; Viehmann's 1−p recursion).</summary>
    Exact,

    /// <summary>One-sample Kolmogorov distribution for n = round(n1·n2/(n1+n2)) (scipy <c>kstwo.sf</c>).</summary>
    Asymptotic,
}

/// <summary>Result of <see cref="KolmogorovSmirnov.TwoSample(double[], double[], KsMethod)"/>.</summary>
/// <param name="Statistic">D = sup |F_ref − F_cur|.</param>
/// <param name="PValue">Two-sided p-value.</param>
/// <param name="MethodUsed">Exact or Asymptotic (never Auto).</param>
/// <param name="Location">The value at which D is attained (scipy's <c>statistic_location</c>).</param>
/// <param name="Sign">+1 when F_ref − F_cur is largest there, −1 when F_cur − F_ref is.</param>
public readonly record struct KsResult(double Statistic, double PValue, KsMethod MethodUsed, double Location, int Sign);

/// <summary>
/// Two-sample Kolmogorov-Smirnov test, matching <c>scipy.stats.ks_2samp(alternative='two-sided')</c>
/// of scipy 1.10 (statistic, location, sign, exact and asymptotic p-values, the auto rule).
/// </summary>
public static partial class KolmogorovSmirnov
{
    /// <summary>scipy's MAX_AUTO_N: auto uses the exact p-value up to this many values per sample.</summary>
    public const int MaxAutoExactN = 10_000;

    /// <summary>Runs the test on raw samples; NaN values are dropped from both.</summary>
    /// <exception cref="ArgumentException">A sample has no non-NaN value.</exception>
    public static KsResult TwoSample(double[] reference, double[] current, KsMethod method = KsMethod.Auto)
    {
        var (a, b) = Samples.SortBoth(reference, current);
        return TwoSampleSorted(a, b, method);
    }

    /// <summary>Runs the test on samples already sorted ascending without NaN (no allocation).</summary>
    public static KsResult TwoSampleSorted(ReadOnlySpan<double> reference, ReadOnlySpan<double> current, KsMethod method = KsMethod.Auto)
    {
        int n1 = reference.Length, n2 = current.Length;
        if (n1 == 0 || n2 == 0)
        {
            throw new ArgumentException("Kolmogorov-Smirnov needs at least one value in each sample.");
        }

        var (d, location, sign) = Statistic(reference, current);
        var mode = method == KsMethod.Auto ? (Math.Max(n1, n2) <= MaxAutoExactN ? KsMethod.Exact : KsMethod.Asymptotic) : method;
        long g = SpecialFunctions.Gcd(n1, n2);
        long n1g = n1 / g, n2g = n2 / g;
        if (mode == KsMethod.Exact && method == KsMethod.Exact && n1g >= int.MaxValue / (double)n2g)
        {
            mode = KsMethod.Asymptotic;
        }

        if (mode == KsMethod.Exact)
        {
            long lcm = n1g * n2;
            long h = (long)Math.Round(d * lcm, MidpointRounding.ToEven);
            d = h * 1.0 / lcm;
            if (h == 0)
            {
                return new KsResult(d, 1.0, KsMethod.Exact, location, sign);
            }

            double prob = n1 == n2 ? ProbOutsideSquare(n1, h) : OuterProbInside(n1, n2, g, h);
            if (double.IsFinite(prob) && prob >= 0 && prob <= 1)
            {
                return new KsResult(d, prob, KsMethod.Exact, location, sign);
            }

            mode = KsMethod.Asymptotic;
        }

        double m = Math.Max(n1, n2), n = Math.Min(n1, n2);
        double en = m * n / (m + n);
        double p = KolmogorovDistribution.Sf(Math.Round(en, MidpointRounding.ToEven), d);
        return new KsResult(d, Math.Clamp(p, 0.0, 1.0), KsMethod.Asymptotic, location, sign);
    }

    /// <summary>
    /// D, its location and sign, replicating scipy's argmin/argmax over the concatenation of the
    /// sorted reference and current samples (first occurrence wins, reference values first).
    /// </summary>
    internal static (double D, double Location, int Sign) Statistic(ReadOnlySpan<double> a, ReadOnlySpan<double> b)
    {
        int n1 = a.Length, n2 = b.Length;
        int i = 0, j = 0;
        Extremes inA = Extremes.Empty, inB = Extremes.Empty;
        while (i < n1 || j < n2)
        {
            double v = j >= n2 || (i < n1 && a[i] <= b[j]) ? a[i] : b[j];
            bool fromA = false, fromB = false;
            while (i < n1 && a[i] == v)
            {
                i++;
                fromA = true;
            }

            while (j < n2 && b[j] == v)
            {
                j++;
                fromB = true;
            }

            double diff = i / (double)n1 - j / (double)n2;
            if (fromA)
            {
                inA.Update(diff, v);
            }

            if (fromB)
            {
                inB.Update(diff, v);
            }
        }

        // argmax/argmin over [sorted a, sorted b]: on equal values the reference position comes first.
        var (maxS, maxLoc) = inA.Max >= inB.Max ? (inA.Max, inA.MaxAt) : (inB.Max, inB.MaxAt);
        var (minDiff, minLoc) = inA.Min <= inB.Min ? (inA.Min, inA.MinAt) : (inB.Min, inB.MinAt);
        double minS = Math.Clamp(-minDiff, 0.0, 1.0);
        return minS > maxS ? (minS, minLoc, -1) : (maxS, maxLoc, 1);
    }

    /// <summary>First positions of the largest and smallest ECDF difference among one sample's values.</summary>
    private struct Extremes
    {
        public double Max, MaxAt, Min, MinAt;

        public static Extremes Empty => new() { Max = double.NegativeInfinity, Min = double.PositiveInfinity };

        public void Update(double diff, double at)
        {
            if (diff > Max)
            {
                Max = diff;
                MaxAt = at;
            }

            if (diff < Min)
            {
                Min = diff;
                MinAt = at;
            }
        }
    }

    /// <summary>
    /// P(D_{n,n} ≥ h/n) for equal sample sizes: 2·Σ(−1)^{k−1} C(2n, n−kh)/C(2n, n), evaluated
    /// as a Horner-like product to avoid cancellation (scipy <c>_compute_prob_outside_square</c>).
    /// </summary>
    internal static double ProbOutsideSquare(long n, long h)
    {
        double p = 0.0;
        long k = n / h;
        while (k >= 0)
        {
            double p1 = 1.0;
            for (long j = 0; j < h; j++)
            {
                p1 = (n - k * h - j) * p1 / (n + k * h + j + 1);
            }

            p = p1 * (1.0 - p);
            k--;
        }

        return 2 * p;
    }

    /// <summary>
    /// Proportion of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| &lt; h/lcm,
    /// computed directly as 1−p with Viehmann's recursion (arXiv:2102.08037; scipy
    /// <c>_compute_outer_prob_inside_method</c>), which keeps small p-values accurate.
    /// </summary>
    internal static double OuterProbInside(long m, long n, long g, long h)
    {
        if (m < n)
        {
            (m, n) = (n, m);
        }

        long mg = m / g, ng = n / g;
        long minj = 0, maxj = Math.Min(CeilDiv(h, mg), n + 1);
        long curlen = maxj - minj;
        long lenA = Math.Min(2 * maxj + 2, n + 1);
        var a = new double[lenA];
        Array.Fill(a, 1.0);
        for (long x = minj; x < maxj; x++)
        {
            a[x] = 0.0;
        }

        for (long i = 1; i <= m; i++)
        {
            long lastminj = minj, lastlen = curlen;
            minj = Math.Max(FloorDiv(ng * i - h, mg) + 1, 0);
            minj = Math.Min(minj, n);
            maxj = Math.Min(CeilDiv(ng * i + h, mg), n + 1);
            if (maxj <= minj)
            {
                return 1.0;
            }

            double val = minj == 0 ? 0.0 : 1.0;
            for (long jj = 0; jj < maxj - minj; jj++)
            {
                long j = jj + minj;
                val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
                a[jj] = val;
            }

            curlen = maxj - minj;
            if (lastlen > curlen)
            {
                for (long x = maxj - minj; x < maxj - minj + (lastlen - curlen) && x < lenA; x++)
                {
                    a[x] = 1.0;
                }
            }
        }

        return a[maxj - minj - 1];
    }

    private static long FloorDiv(long a, long b) => a >= 0 ? a / b : -((-a + b - 1) / b);

    private static long CeilDiv(long a, long b) => -FloorDiv(-a, b);
}
