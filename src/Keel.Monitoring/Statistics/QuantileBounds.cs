using MathNet.Numerics.Distributions;

namespace Keel.Monitoring.Statistics;

/// <summary>
/// Distribution-free confidence bounds for a population quantile from the order statistics of an
/// i.i.d. sample (Conover, <i>Practical Nonparametric Statistics</i>, 3rd ed., §3.2; Hahn and Meeker,
/// <i>Statistical Intervals</i>, §5.2). With x₍₁₎ ≤ … ≤ x₍ₙ₎ and q the true p-quantile of a continuous
/// distribution, the number of sample values at or below q is Binomial(n, p), so
/// P(x₍ᵤ₎ ≥ q) = F(u − 1) and P(x₍ₗ₎ ≤ q) = 1 − F(l − 1), F the Binomial(n, p) CDF. Nothing is
/// assumed about the distribution's shape (latencies are skewed, with spikes), and nothing is resampled.
/// </summary>
public static class QuantileBounds
{
    /// <summary>
    /// The largest 1-based index l with P(x₍ₗ₎ ≤ q_p) ≥ <paramref name="confidence"/>: x₍ₗ₎ is a
    /// one-sided lower confidence bound of the p-quantile. 0 when even x₍₁₎ is not one (too few samples).
    /// </summary>
    /// <param name="n">The sample size, at least 1.</param>
    /// <param name="p">The quantile, in (0, 1).</param>
    /// <param name="confidence">The confidence level, in (0, 1).</param>
    public static int LowerIndex(int n, double p, double confidence)
    {
        Check(n, p, confidence);
        double tail = 1 - confidence;
        // F(l − 1) grows with l: find the largest l in [1, n] with F(l − 1) ≤ 1 − confidence.
        int lo = 0, hi = n; // invariant: index lo qualifies (0 = none), every index above hi fails
        while (lo < hi)
        {
            int mid = lo + ((hi - lo + 1) / 2);
            if (Binomial.CDF(p, n, mid - 1) <= tail)
            {
                lo = mid;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return lo;
    }

    /// <summary>
    /// The smallest 1-based index u with P(x₍ᵤ₎ ≥ q_p) ≥ <paramref name="confidence"/>: x₍ᵤ₎ is a
    /// one-sided upper confidence bound of the p-quantile. n + 1 when even x₍ₙ₎ is not one (too few samples).
    /// </summary>
    /// <param name="n">The sample size, at least 1.</param>
    /// <param name="p">The quantile, in (0, 1).</param>
    /// <param name="confidence">The confidence level, in (0, 1).</param>
    public static int UpperIndex(int n, double p, double confidence)
    {
        Check(n, p, confidence);
        // Find the smallest u in [1, n] with F(u − 1) ≥ confidence; n + 1 when none.
        int lo = 1, hi = n + 1; // invariant: every index below lo fails, index hi qualifies (n + 1 = none)
        while (lo < hi)
        {
            int mid = lo + ((hi - lo) / 2);
            if (Binomial.CDF(p, n, mid - 1) >= confidence)
            {
                hi = mid;
            }
            else
            {
                lo = mid + 1;
            }
        }

        return lo;
    }

    private static void Check(int n, double p, double confidence)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(n, 1);
        if (!(p > 0 && p < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "The quantile must be in (0, 1).");
        }

        if (!(confidence > 0 && confidence < 1))
        {
            throw new ArgumentOutOfRangeException(nameof(confidence), confidence, "The confidence must be in (0, 1).");
        }
    }
}
