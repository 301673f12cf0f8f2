using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Deployments;

/// <summary>A one-sided test that the candidate is worse than the stable version by more than a margin.</summary>
/// <param name="Test">The test's name.</param>
/// <param name="Statistic">z or t; NaN for the bootstrap.</param>
/// <param name="PValue">The one-sided p-value: small when the candidate is worse by more than the margin.</param>
/// <param name="DegreesOfFreedom">Welch's degrees of freedom; null for the other tests.</param>
public readonly record struct FeedbackTestResult(string Test, double Statistic, double PValue, double? DegreesOfFreedom = null);

/// <summary>
/// The feedback gate's tests. H0: the candidate is at most <c>δ</c> (max_drop) worse; H1: worse by
/// more than δ. The gate fails when p &lt; alpha.
/// <list type="bullet">
/// <item>accuracy: the two-proportion z-test, one-sided. With δ = 0 the pooled standard error (the
/// classic test; z² is chi2_contingency without Yates); with δ &gt; 0 the unpooled (Wald)
/// standard error of a non-inferiority test: z = (p_c − p_s + δ) / √(p_s(1−p_s)/n_s + p_c(1−p_c)/n_c),
/// p = Φ(z).</item>
/// <item>mae: Welch's t-test on the absolute errors, one-sided (scipy <c>ttest_ind(c, s + δ,
/// equal_var=False, alternative="greater")</c>): t = (mean_c − mean_s − δ) / √(v_c/n_c + v_s/n_s),
/// Welch–Satterthwaite degrees of freedom.</item>
/// <item>rmse, f1, auc, precision, recall (no per-row form): a percentile bootstrap of
/// worse = (m_s − m_c for higher-is-better metrics, m_c − m_s otherwise), resampling each arm's rows
/// with replacement <see cref="BootstrapResamples"/> times with a fixed seed (reproducible);
/// p = (1 + #{worse* ≤ δ}) / (B + 1), which is below alpha exactly when the one-sided
/// (1 − alpha) lower bootstrap bound of "worse" exceeds δ.</item>
/// </list>
/// </summary>
public static class FeedbackSignificance
{
    /// <summary>Bootstrap resamples.</summary>
    public const int BootstrapResamples = 2000;

    /// <summary>The bootstrap's seed, fixed so an analysis gives the same answer twice.</summary>
    public const int BootstrapSeed = 20261206;

    /// <summary>One-sided two-proportion z-test that the candidate's accuracy is lower by more than <paramref name="maxDrop"/>.</summary>
    public static FeedbackTestResult Accuracy(long stableCorrect, long stableCount, long candidateCorrect, long candidateCount, double maxDrop)
    {
        double ps = stableCorrect / (double)stableCount, pc = candidateCorrect / (double)candidateCount;
        double se = maxDrop == 0
            ? Math.Sqrt(Pooled() * (1 - Pooled()) * ((1.0 / stableCount) + (1.0 / candidateCount)))
            : Math.Sqrt((ps * (1 - ps) / stableCount) + (pc * (1 - pc) / candidateCount));
        double diff = pc - ps + maxDrop;
        double z = se > 0 ? diff / se : diff < 0 ? double.NegativeInfinity : double.PositiveInfinity;
        return new FeedbackTestResult("two-proportion z-test (one-sided)", z, SpecialFunctions.NormalSf(-z));

        double Pooled() => (stableCorrect + candidateCorrect) / (double)(stableCount + candidateCount);
    }

    /// <summary>One-sided Welch t-test that the candidate's mean absolute error is higher by more than <paramref name="maxDrop"/>.</summary>
    public static FeedbackTestResult Welch(ReadOnlySpan<double> stableErrors, ReadOnlySpan<double> candidateErrors, double maxDrop)
    {
        var (ms, vs) = MeanVariance(stableErrors);
        var (mc, vc) = MeanVariance(candidateErrors);
        double a = vs / stableErrors.Length, b = vc / candidateErrors.Length;
        double diff = mc - ms - maxDrop;
        if (a + b == 0)
        {
            double z = diff > 0 ? double.PositiveInfinity : diff < 0 ? double.NegativeInfinity : 0;
            return new FeedbackTestResult("Welch t-test on absolute errors (one-sided)", z, diff > 0 ? 0 : 1);
        }

        double t = diff / Math.Sqrt(a + b);
        double df = (a + b) * (a + b) / ((a * a / (stableErrors.Length - 1)) + (b * b / (candidateErrors.Length - 1)));
        double p = 1 - MathNet.Numerics.Distributions.StudentT.CDF(0, 1, df, t);
        return new FeedbackTestResult("Welch t-test on absolute errors (one-sided)", t, p, df);
    }

    /// <summary>Percentile bootstrap of how much worse the candidate's metric is.</summary>
    internal static FeedbackTestResult Bootstrap(FeedbackMetric stable, FeedbackMetric candidate, string metric, double maxDrop, int resamples = BootstrapResamples)
    {
        var random = new Random(BootstrapSeed);
        var si = new int[stable.Count];
        var ci = new int[candidate.Count];
        bool higher = FeedbackMetric.HigherIsBetter(metric);
        int atMost = 0, defined = 0;
        for (int b = 0; b < resamples; b++)
        {
            for (int i = 0; i < si.Length; i++)
            {
                si[i] = random.Next(si.Length);
            }

            for (int i = 0; i < ci.Length; i++)
            {
                ci[i] = random.Next(ci.Length);
            }

            double ms = stable.Compute(metric, si), mc = candidate.Compute(metric, ci);
            if (double.IsNaN(ms) || double.IsNaN(mc))
            {
                continue;
            }

            defined++;
            double worse = higher ? ms - mc : mc - ms;
            atMost += worse <= maxDrop ? 1 : 0;
        }

        double p = defined == 0 ? double.NaN : (1.0 + atMost) / (defined + 1.0);
        return new FeedbackTestResult($"percentile bootstrap ({defined} resamples, one-sided)", double.NaN, p);
    }

    private static (double Mean, double Variance) MeanVariance(ReadOnlySpan<double> values)
    {
        double mean = 0;
        foreach (double v in values)
        {
            mean += v;
        }

        mean /= values.Length;
        double ss = 0;
        foreach (double v in values)
        {
            ss += (v - mean) * (v - mean);
        }

        return (mean, values.Length > 1 ? ss / (values.Length - 1) : 0);
    }
}
