using Keel.Core.Deployments;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Deployments;

/// <summary>
/// The latency_p99 gate's decision on two arms' answered latencies (docs/deployments.md#gates).
/// The allowance is <c>max(maxRatio × q_s, q_s + floor)</c> for the stable version's true p99
/// q_s. The gate fails when L_c, the candidate's p99 lower bound, exceeds the allowance computed on
/// U_s, the stable version's p99 upper bound, both distribution-free order-statistic bounds at
/// 1 − alpha/2 (<see cref="QuantileBounds"/>). If the candidate's true p99 is within the allowance,
/// L_c ≤ q_c and U_s ≥ q_s together (probability at least 1 − alpha by Bonferroni) imply
/// L_c ≤ allowance(q_s) ≤ allowance(U_s): no failure. So a candidate as fast as allowed fails with
/// probability at most alpha, for any latency distributions, spikes included.
/// </summary>
internal static class LatencyComparison
{
    /// <summary>The quantile the gate compares.</summary>
    public const double Level = 0.99;

    /// <summary>Judges two arms' latencies (microseconds, each sorted ascending); the floor is in microseconds.</summary>
    public static LatencyJudgement Judge(double[] stableSorted, double[] candidateSorted, double maxRatio, double floorUs, double alpha, long minTailSamples)
    {
        ArgumentNullException.ThrowIfNull(stableSorted);
        ArgumentNullException.ThrowIfNull(candidateSorted);
        long need = minTailSamples * (long)Math.Round(1 / (1 - Level));
        int ns = stableSorted.Length, nc = candidateSorted.Length;
        if (ns < need || nc < need || ns == 0 || nc == 0)
        {
            return LatencyJudgement.Inconclusive;
        }

        double confidence = 1 - (alpha / 2);
        int upper = QuantileBounds.UpperIndex(ns, Level, confidence);
        int lower = QuantileBounds.LowerIndex(nc, Level, confidence);
        if (upper > ns || lower < 1)
        {
            return LatencyJudgement.Inconclusive;
        }

        double ps = PredictionStatistics.Quantile(stableSorted, Level), pc = PredictionStatistics.Quantile(candidateSorted, Level);
        double ratio = ps > 0 ? pc / ps : pc > 0 ? double.PositiveInfinity : 1;
        double stableUpper = stableSorted[upper - 1], candidateLower = candidateSorted[lower - 1];
        double allowed = Math.Max(maxRatio * stableUpper, stableUpper + floorUs);
        var outcome = candidateLower > allowed ? AnalysisOutcome.Failed : AnalysisOutcome.Passed;
        return new LatencyJudgement(outcome, ps, pc, ratio, stableUpper, candidateLower, allowed);
    }
}

/// <summary>The latency gate's decision and its numbers (microseconds).</summary>
/// <param name="Outcome">Failed, passed, or inconclusive (too few samples for the bounds).</param>
/// <param name="StableP99">The stable version's p99 (numpy's linear quantile).</param>
/// <param name="CandidateP99">The candidate's p99.</param>
/// <param name="Ratio">CandidateP99 / StableP99.</param>
/// <param name="StableUpper">The upper confidence bound of the stable version's p99.</param>
/// <param name="CandidateLower">The lower confidence bound of the candidate's p99.</param>
/// <param name="Allowed">The largest candidate p99 allowed: max(maxRatio × StableUpper, StableUpper + floor).</param>
internal readonly record struct LatencyJudgement(
    AnalysisOutcome Outcome, double StableP99, double CandidateP99, double Ratio, double StableUpper, double CandidateLower, double Allowed)
{
    /// <summary>Too few samples to judge.</summary>
    public static LatencyJudgement Inconclusive { get; } = new(AnalysisOutcome.Inconclusive, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN, double.NaN);
}
