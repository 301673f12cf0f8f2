namespace Keel.Monitoring.Statistics;

/// <summary>Result of the pooled two-proportion z-test.</summary>
/// <param name="PReference">Share of positives in the reference.</param>
/// <param name="PCurrent">Share of positives in the current sample.</param>
/// <param name="Z">z = (p_cur − p_ref)/√(p̄(1−p̄)(1/n_ref + 1/n_cur)).</param>
/// <param name="PValue">Two-sided p-value 2·Φ(−|z|).</param>
public readonly record struct TwoProportionResult(double PReference, double PCurrent, double Z, double PValue);

/// <summary>Result of Fisher's exact test.</summary>
/// <param name="OddsRatio">Sample odds ratio of the table [[x_cur, n_cur−x_cur], [x_ref, n_ref−x_ref]].</param>
/// <param name="PValue">Two-sided p-value.</param>
public readonly record struct FisherResult(double OddsRatio, double PValue);

/// <summary>Tests for binary columns.</summary>
public static class ProportionTests
{
    /// <summary>Pooled two-proportion z-test; z² equals chi2_contingency without Yates' correction.</summary>
    public static TwoProportionResult TwoProportionZ(long positivesRef, long nRef, long positivesCur, long nCur)
    {
        double pr = positivesRef / (double)nRef, pc = positivesCur / (double)nCur;
        double pooled = (positivesRef + positivesCur) / (double)(nRef + nCur);
        double se = Math.Sqrt(pooled * (1 - pooled) * (1.0 / nRef + 1.0 / nCur));
        double z = (pc - pr) / se;
        double p = double.IsNaN(z) ? double.NaN : 2 * SpecialFunctions.NormalSf(Math.Abs(z));
        return new TwoProportionResult(pr, pc, z, p);
    }

    /// <summary>
    /// Fisher's exact test, two-sided (scipy <c>fisher_exact</c>): the total probability of tables with
    /// the same margins that are no more likely than the observed one (relative tolerance 1e-7).
    /// </summary>
    public static FisherResult FisherExact(long a, long b, long c, long d)
    {
        if (a + b == 0 || c + d == 0 || a + c == 0 || b + d == 0)
        {
            return new FisherResult(double.NaN, 1.0);
        }

        double odds = c > 0 && b > 0 ? (double)a * d / ((double)c * b) : double.PositiveInfinity;
        long n1 = a + b, n2 = c + d, n = a + c;
        long lo = Math.Max(0, n - n2), hi = Math.Min(n, n1);
        double logDenom = LogChoose(n1 + n2, n);
        double pObs = Math.Exp(LogChoose(n1, a) + LogChoose(n2, n - a) - logDenom);
        double threshold = pObs * (1 + 1e-7);
        double p = 0;
        for (long x = lo; x <= hi; x++)
        {
            double px = Math.Exp(LogChoose(n1, x) + LogChoose(n2, n - x) - logDenom);
            if (px <= threshold)
            {
                p += px;
            }
        }

        return new FisherResult(odds, Math.Min(p, 1.0));
    }

    private static double LogChoose(long n, long k) =>
        SpecialFunctions.LogGamma(n + 1.0) - SpecialFunctions.LogGamma(k + 1.0) - SpecialFunctions.LogGamma(n - k + 1.0);
}
