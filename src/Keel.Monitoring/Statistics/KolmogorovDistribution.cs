namespace Keel.Monitoring.Statistics;

/// <summary>
/// The exact distribution of the one-sample two-sided Kolmogorov-Smirnov statistic D_n
/// (scipy <c>kstwo</c>), computed with the method Simard &amp; L'Ecuyer (2011) choose for each
/// (n, x) region exactly as scipy's <c>_kolmogn</c>: Ruben-Gambino closed forms, the Durbin matrix
/// (Marsaglia-Tsang-Wang), the Pomeranz recursion, Smirnov's one-sided formula and Pelz-Good.
/// </summary>
public static partial class KolmogorovDistribution
{
    private const int E128 = 128;
    private static readonly double Ep128 = Math.ScaleB(1.0, E128);
    private static readonly double Em128 = Math.ScaleB(1.0, -E128);
    private static readonly double[] StirlingCoeffs =
    [
        -2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3, 8.4175084175084175084e-4,
        -5.952380952380952381e-4, 7.9365079365079365079e-4, -2.7777777777777777778e-3, 8.3333333333333333333e-2,
    ];

    /// <summary>P(D_n ≥ x), the survival function of kstwo(n).</summary>
    public static double Sf(double n, double x)
    {
        if (double.IsNaN(x) || n <= 0 || Math.Floor(n) != n)
        {
            return double.NaN;
        }

        return Kolmogn((long)n, x, cdf: false);
    }

    /// <summary>P(D_n ≤ x), the distribution function of kstwo(n).</summary>
    public static double Cdf(double n, double x) => n <= 0 || Math.Floor(n) != n ? double.NaN : Kolmogn((long)n, x, cdf: true);

    private static double Select(double cdfProb, double sfProb, bool cdf) => Math.Clamp(cdf ? cdfProb : sfProb, 0.0, 1.0);

    private static double Kolmogn(long n, double x, bool cdf)
    {
        if (x >= 1.0)
        {
            return Select(1.0, 0.0, cdf);
        }

        if (x <= 0.0)
        {
            return Select(0.0, 1.0, cdf);
        }

        double t = n * x;
        if (t <= 1.0)
        {
            if (t <= 0.5)
            {
                return Select(0.0, 1.0, cdf);
            }

            double prob;
            if (n <= 140)
            {
                prob = 1.0;
                for (long i = 1; i <= n; i++)
                {
                    prob *= i * (1.0 / n) * (2 * t - 1);
                }
            }
            else
            {
                prob = Math.Exp(LogNFactorialDivNPowN(n) + n * Math.Log(2 * t - 1));
            }

            return Select(prob, 1.0 - prob, cdf);
        }

        if (t >= n - 1)
        {
            double prob = 2 * Math.Pow(1.0 - x, n);
            return Select(1 - prob, prob, cdf);
        }

        if (x >= 0.5)
        {
            double prob = 2 * Smirnov(n, x);
            return Select(1.0 - prob, prob, cdf);
        }

        double nxSquared = t * x;
        if (n <= 140)
        {
            if (nxSquared <= 0.754693)
            {
                double prob = Durbin(n, x);
                return Select(prob, 1.0 - prob, cdf);
            }

            if (nxSquared <= 4)
            {
                double prob = Pomeranz(n, x);
                return Select(prob, 1.0 - prob, cdf);
            }

            double p2 = 2 * Smirnov(n, x);
            return Select(1.0 - p2, p2, cdf);
        }

        if (!cdf)
        {
            if (nxSquared >= 370.0)
            {
                return 0.0;
            }

            if (nxSquared >= 2.2)
            {
                return Math.Clamp(2 * Smirnov(n, x), 0.0, 1.0);
            }
        }

        double cdfProb;
        if (nxSquared >= 18.0)
        {
            cdfProb = 1.0;
        }
        else if (n <= 100000 && n * Math.Pow(x, 1.5) <= 1.4)
        {
            cdfProb = Durbin(n, x);
        }
        else
        {
            cdfProb = PelzGood(n, x);
        }

        return Select(cdfProb, 1.0 - cdfProb, cdf);
    }

    /// <summary>log(n!/n^n) by Stirling's series with n·log(n) removed up front.</summary>
    private static double LogNFactorialDivNPowN(long n)
    {
        double rn = 1.0 / n;
        double z = rn / n, poly = 0;
        foreach (double c in StirlingCoeffs)
        {
            poly = poly * z + c;
        }

        return Math.Log(n) / 2 - n + Math.Log(2 * Math.PI) / 2 + rn * poly;
    }

    /// <summary>
    /// Smirnov's one-sided P(D_n⁺ ≥ e) by the Birnbaum-Tingey sum
    /// e·Σ_{v=0}^{⌊n(1−e)⌋} C(n,v)(e+v/n)^{v−1}(1−e−v/n)^{n−v}; every term is positive, so the sum is stable.
    /// </summary>
    internal static double Smirnov(long n, double e)
    {
        if (e <= 0)
        {
            return 1.0;
        }

        if (e >= 1)
        {
            return 0.0;
        }

        long nn = (long)Math.Floor(n * (1.0 - e));
        double lgn1 = SpecialFunctions.LogGamma(n + 1.0);
        double p = 0.0;
        for (long v = 0; v <= nn; v++)
        {
            double evn = e + (double)v / n;
            double omevn = 1.0 - evn;
            if (omevn <= 0 && n - v > 0)
            {
                continue;
            }

            double logTerm = lgn1 - SpecialFunctions.LogGamma(v + 1.0) - SpecialFunctions.LogGamma(n - v + 1.0)
                + (v - 1) * Math.Log(evn) + (n - v == 0 ? 0.0 : (n - v) * Math.Log(omevn));
            if (logTerm > -745)
            {
                p += Math.Exp(logTerm);
            }
        }

        return p * e;
    }

    /// <summary>Pelz-Good (1976) approximation of P(D_n ≤ x), used by scipy for large n and small x.</summary>
    internal static double PelzGood(long n, double x)
    {
        if (x <= 0.0)
        {
            return 0.0;
        }

        if (x >= 1.0)
        {
            return 1.0;
        }

        const double pi2 = Math.PI * Math.PI, pi4 = pi2 * pi2, pi6 = pi4 * pi2;
        double sqrt2Pi = Math.Sqrt(2 * Math.PI);
        double z = Math.Sqrt(n) * x;
        double z2 = z * z, z3 = z2 * z, z4 = z2 * z2, z6 = z4 * z2;
        double qlog = -pi2 / 8 / z2;
        if (qlog < -708)
        {
            return 0.0;
        }

        double q = Math.Exp(qlog);
        double k1a = -z2, k1b = pi2 / 4;
        double k2a = 6 * z6 + 2 * z4, k2b = (2 * z4 - 5 * z2) * pi2 / 4, k2c = pi4 * (1 - 2 * z2) / 16;
        double k3d = pi6 * (5 - 30 * z2) / 64, k3c = pi4 * (-60 * z2 + 212 * z4) / 16;
        double k3b = pi2 * (135 * z4 - 96 * z6) / 4, k3a = -30 * z6 - 90 * Math.Pow(z, 8);
        double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
        int maxk = (int)Math.Ceiling(16 * z / Math.PI);
        for (int k = maxk; k > 0; k--)
        {
            double m = 2 * k - 1;
            double m2 = m * m, m4 = m2 * m2, m6 = m4 * m2;
            double qpower = Math.Pow(q, 8 * k);
            s0 = s0 * qpower + 1.0;
            s1 = s1 * qpower + (k1a + k1b * m2);
            s2 = s2 * qpower + (k2a + k2b * m2 + k2c * m4);
            s3 = s3 * qpower + (k3a + k3b * m2 + k3c * m4 + k3d * m6);
        }

        s0 = s0 * q * sqrt2Pi / z;
        s1 = s1 * q * sqrt2Pi / (6 * z4);
        s2 = s2 * q * sqrt2Pi / (72 * Math.Pow(z, 7));
        s3 = s3 * q * sqrt2Pi / (6480 * Math.Pow(z, 10));

        double q2 = Math.Exp(-pi2 / 2 / z2);
        double sqrt3z = Math.Sqrt(3) * z;
        double k2extra = 0, k3extra = 0;
        for (int k = maxk; k > 0; k--)
        {
            double ksq = (double)k * k;
            double qp = Math.Pow(q2, ksq);
            double kspi = Math.PI * k;
            k2extra += ksq * qp;
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
        }

        s2 += k2extra * pi2 * sqrt2Pi / (-36 * z3);
        s3 += k3extra * pi2 * sqrt2Pi / (216 * z6);
        s1 /= Math.Sqrt(n);
        s2 /= n;
        s3 /= Math.Pow(n, 1.5);
        return s0 + s1 + s2 + s3;
    }
}
