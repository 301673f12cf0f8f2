namespace Keel.Monitoring.Statistics;

/// <summary>
/// The special functions the tests need, in one place so every p-value uses the same definitions
/// as scipy: <c>norm.sf</c> via erfc, <c>chi2.sf</c> via the regularized upper incomplete gamma
/// function, log-gamma, and the modified Bessel function K_ν for the Cramér-von Mises limit.
/// </summary>
public static class SpecialFunctions
{
    private const double Sqrt2 = 1.4142135623730951;

    /// <summary>Standard normal survival function P(Z &gt; z) = erfc(z/√2)/2 (scipy <c>norm.sf</c>).</summary>
    public static double NormalSf(double z)
    {
        if (double.IsNaN(z))
        {
            return double.NaN;
        }

        if (double.IsPositiveInfinity(z))
        {
            return 0.0;
        }

        if (double.IsNegativeInfinity(z))
        {
            return 1.0;
        }

        return 0.5 * SpecialFunctions.Erfc(z / Sqrt2);
    }

    /// <summary>Complementary error function (Boost-derived implementation in MathNet.Numerics, ~1e-16 relative).</summary>
    public static double Erfc(double x) => MathNet.Numerics.SpecialFunctions.Erfc(x);

    /// <summary>Chi-square survival function with <paramref name="dof"/> degrees of freedom (scipy <c>chi2.sf</c>).</summary>
    /// <returns>NaN when dof ≤ 0 (as scipy), 0 for an infinite statistic.</returns>
    public static double ChiSquareSf(double statistic, double dof)
    {
        if (double.IsNaN(statistic) || dof <= 0)
        {
            return double.NaN;
        }

        if (double.IsPositiveInfinity(statistic))
        {
            return 0.0;
        }

        if (statistic <= 0)
        {
            return 1.0;
        }

        return MathNet.Numerics.SpecialFunctions.GammaUpperRegularized(dof / 2.0, statistic / 2.0);
    }

    /// <summary>Natural logarithm of the gamma function.</summary>
    public static double LogGamma(double x) => MathNet.Numerics.SpecialFunctions.GammaLn(x);

    /// <summary>
    /// Modified Bessel function of the second kind K_ν(x) for x &gt; 0, from the integral
    /// K_ν(x) = ∫₀^∞ exp(−x cosh t) cosh(νt) dt evaluated with the trapezoidal rule, which converges
    /// geometrically for this analytic, double-exponentially decaying integrand.
    /// </summary>
    public static double BesselK(double nu, double x)
    {
        if (x <= 0)
        {
            return double.PositiveInfinity;
        }

        const double step = 0.01;
        double sum = 0.5 * Math.Exp(-x);
        for (int i = 1; ; i++)
        {
            double t = i * step;
            double c = Math.Cosh(t);
            double term = Math.Exp(-x * c) * Math.Cosh(nu * t);
            sum += term;
            if (x * c > 745 || (term < sum * 1e-18 && x * c > x + 40))
            {
                break;
            }
        }

        return sum * step;
    }

    /// <summary>Greatest common divisor.</summary>
    public static long Gcd(long a, long b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return Math.Abs(a);
    }
}
