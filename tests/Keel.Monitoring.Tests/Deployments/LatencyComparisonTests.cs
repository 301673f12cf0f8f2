using Keel.Core.Deployments;
using Keel.Monitoring.Deployments;

namespace Keel.Monitoring.Tests.Deployments;

/// <summary>
/// The latency_p99 gate's decision over simulated latencies (seeded, so nothing here depends on
/// timing): scoring times of tens of microseconds with the spikes a loaded machine adds to either arm.
/// </summary>
public sealed class LatencyComparisonTests
{
    private const double Alpha = DeploymentSpecValidator.DefaultLatencyAlpha;
    private const double FloorUs = DeploymentSpecValidator.DefaultLatencyMinIncreaseMs * 1000;
    private const long MinTail = DeploymentSpecValidator.DefaultLatencyMinTailSamples;

    /// <summary>
    /// One arm's answered latencies (µs), sorted: lognormal around <paramref name="medianUs"/> (σ 0.3,
    /// as a logistic regression's ~27 µs Predict), plus <paramref name="spikeRate"/> of requests that
    /// took 2–40 ms (preemption, GC pauses), as seen on the 2-core test machine.
    /// </summary>
    private static double[] Arm(Random random, int n, double medianUs = 27, double spikeRate = 0.008, double addedUs = 0)
    {
        var x = new double[n];
        for (int i = 0; i < n; i++)
        {
            double z = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
            x[i] = random.NextDouble() < spikeRate ? 2000 + (38_000 * random.NextDouble()) : Math.Round((medianUs * Math.Exp(0.3 * z)) + addedUs);
        }

        Array.Sort(x);
        return x;
    }

    private static (int Failed, int Passed, int Runs) Simulate(int seed, int runs, int stableN, int candidateN, double maxRatio, double floorUs,
        double candidateMedianUs = 27, double addedUs = 0, double spikeRate = 0.008)
    {
        var random = new Random(seed);
        int failed = 0, passed = 0;
        for (int run = 0; run < runs; run++)
        {
            var judged = LatencyComparison.Judge(Arm(random, stableN, spikeRate: spikeRate), Arm(random, candidateN, candidateMedianUs, spikeRate, addedUs), maxRatio, floorUs, Alpha, MinTail);
            failed += judged.Outcome == AnalysisOutcome.Failed ? 1 : 0;
            passed += judged.Outcome == AnalysisOutcome.Passed ? 1 : 0;
        }

        return (failed, passed, runs);
    }

    [Fact]
    public void IdenticalVersions_AtTheBoundary_FailAtMostAlphaOfSeededRuns()
    {
        // The hardest case the guarantee covers: max_ratio 1 and no floor, so the allowance is the
        // stable's own p99; identical arms are exactly on it. A point comparison fails half of these.
        var (failed, passed, runs) = Simulate(seed: 1, runs: 1000, stableN: 1000, candidateN: 1000, maxRatio: 1, floorUs: 0);

        Assert.Equal(runs, failed + passed);
        Assert.True(failed <= Alpha * runs, $"{failed} of {runs} identical pairs failed; at most {Alpha:P0} allowed");
    }

    [Theory]
    [InlineData(1000, 1000)] // shadow: both arms alike
    [InlineData(4000, 1000)] // canary at 20%: the end-to-end test's split
    public void IdenticalVersions_WithSpikesOnEitherArm_AlmostNeverFail_WhereThePointRatioOftenDid(int stableN, int candidateN)
    {
        // max_ratio 2 (the end-to-end test's) with the default floor and alpha; spikes on 0.8% of
        // requests put an arm's p99 among the 2-40 ms outliers in about one window in five.
        var (failed, _, runs) = Simulate(seed: 2, runs: 1000, stableN, candidateN, maxRatio: 2, floorUs: FloorUs);
        int pointFailures = PointComparisonFailures(seed: 2, runs: 1000, stableN, candidateN, maxRatio: 2);
        TestContext.Current.TestOutputHelper?.WriteLine($"{stableN}:{candidateN}: gate {failed} of {runs} failed, point ratio {pointFailures}");

        Assert.True(failed <= 0.01 * runs, $"{failed} of {runs} identical pairs failed");
        Assert.True(pointFailures > 0.05 * runs, $"the point ratio failed {pointFailures} of {runs}: the simulation no longer has the spikes it is about");
    }

    [Theory]
    [InlineData(4000, 1000, 500)] // canary at 20%
    [InlineData(1000, 1000, 250)] // shadow: a spike-laden stable tail widens its upper bound, so at 1,000 answers about 3 in 5 are caught (more answers catch the rest)
    public void SlowCandidate_AddingHalfAMillisecond_Fails(int stableN, int candidateN, int atLeast)
    {
        // 0.5 ms more on every request (a model twenty times as slow), with spikes on 0.3% of
        // requests on both arms ("a few per thousand", as seen on the test machine).
        var (failed, _, runs) = Simulate(seed: 3, runs: 500, stableN, candidateN, maxRatio: 2, floorUs: FloorUs, addedUs: 500, spikeRate: 0.003);
        TestContext.Current.TestOutputHelper?.WriteLine($"{stableN}:{candidateN}: {failed} of {runs} failed");

        Assert.True(failed >= atLeast, $"{failed} of {runs} failed");
    }

    [Fact]
    public void CandidateTwoAndAHalfTimesSlower_Fails_WithoutTheFloor_AndPassesWithinIt()
    {
        // Median 27 µs → 67.5 µs: p99 54 → 135 µs, a ratio of 2.5 but 81 µs more, within the default 0.1 ms floor.
        var withoutFloor = Simulate(seed: 4, runs: 200, stableN: 4000, candidateN: 1000, maxRatio: 2, floorUs: 0, candidateMedianUs: 67.5, spikeRate: 0.003);
        var withFloor = Simulate(seed: 4, runs: 200, stableN: 4000, candidateN: 1000, maxRatio: 2, floorUs: FloorUs, candidateMedianUs: 67.5, spikeRate: 0.003);
        TestContext.Current.TestOutputHelper?.WriteLine($"without floor {withoutFloor.Failed} of 200, with {withFloor.Failed}");

        Assert.True(withoutFloor.Failed >= 180, $"{withoutFloor.Failed} of 200 failed without the floor");
        Assert.Equal(0, withFloor.Failed);
    }

    [Fact]
    public void TooFewAnswers_AreInconclusive()
    {
        var random = new Random(5);
        var judged = LatencyComparison.Judge(Arm(random, 999), Arm(random, 5000), 2, FloorUs, Alpha, MinTail);
        Assert.Equal(AnalysisOutcome.Inconclusive, judged.Outcome);

        // Enough answers for min_tail_samples 1 (100), but not for a 97.5% upper bound of a p99 (367).
        judged = LatencyComparison.Judge(Arm(random, 300, spikeRate: 0), Arm(random, 300, spikeRate: 0, addedUs: 10_000), 2, FloorUs, Alpha, 1);
        Assert.Equal(AnalysisOutcome.Inconclusive, judged.Outcome);
    }

    [Fact]
    public void Judgement_UsesTheOrderStatisticsAndTheLargerAllowance()
    {
        // Stable 1..1000 µs, candidate 1001..2000 µs: bounds at x(997) and x(983) (exact binomial, n = 1000, 97.5%).
        double[] stable = [.. Enumerable.Range(1, 1000).Select(i => (double)i)];
        double[] candidate = [.. Enumerable.Range(1001, 1000).Select(i => (double)i)];

        var judged = LatencyComparison.Judge(stable, candidate, maxRatio: 1.5, floorUs: 100, Alpha, MinTail);

        Assert.Equal((997.0, 1983.0), (judged.StableUpper, judged.CandidateLower));
        Assert.Equal(1.5 * 997, judged.Allowed, 1e-9);
        Assert.Equal(AnalysisOutcome.Failed, judged.Outcome);
        Assert.Equal(990.01, judged.StableP99, 1e-9); // numpy: 1 + 0.99 × 999
        judged = LatencyComparison.Judge(stable, candidate, maxRatio: 1.5, floorUs: 1000, Alpha, MinTail);
        Assert.Equal((997.0 + 1000, AnalysisOutcome.Passed), (judged.Allowed, judged.Outcome));
    }

    /// <summary>How often the former rule (point p99 ratio above max_ratio) failed the same identical pairs.</summary>
    private static int PointComparisonFailures(int seed, int runs, int stableN, int candidateN, double maxRatio)
    {
        var random = new Random(seed);
        int failed = 0;
        for (int run = 0; run < runs; run++)
        {
            var judged = LatencyComparison.Judge(Arm(random, stableN), Arm(random, candidateN), maxRatio, 0, Alpha, MinTail);
            failed += judged.Ratio > maxRatio ? 1 : 0;
        }

        return failed;
    }
}
