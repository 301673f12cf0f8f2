using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Tests.Statistics;

public sealed class QuantileBoundsTests
{
    // Reference indices from the exact binomial CDF in rational arithmetic (Python's math.comb and
    // fractions, not this code), and the textbook median interval: n = 100 gives x(40) to x(61) at 95%.
    [Theory]
    [InlineData(100, 0.5, 0.975, 40, 61)]
    [InlineData(1000, 0.99, 0.975, 983, 997)]
    [InlineData(4000, 0.99, 0.975, 3947, 3973)]
    [InlineData(2000, 0.99, 0.995, 1968, 1991)]
    [InlineData(285, 0.99, 0.9, 280, 285)]
    public void Indices_MatchTheExactBinomialOrderStatisticBounds(int n, double p, double confidence, int lower, int upper)
    {
        Assert.Equal(lower, QuantileBounds.LowerIndex(n, p, confidence));
        Assert.Equal(upper, QuantileBounds.UpperIndex(n, p, confidence));
    }

    [Fact]
    public void UpperIndex_IsPastTheSample_WhenEvenTheMaximumIsNoBound()
    {
        // P(x(300) >= q99) = 1 - 0.99^300 = 0.951 < 0.975: 300 values cannot bound a p99 from above at 97.5%.
        Assert.Equal(301, QuantileBounds.UpperIndex(300, 0.99, 0.975));
        Assert.Equal(0, QuantileBounds.LowerIndex(1, 0.01, 0.975));
    }

    [Fact]
    public void Bounds_CoverTheTrueQuantile_AtLeastAsOftenAsTheirConfidence()
    {
        // Exponential(1): q99 = ln 100. 2,000 seeded samples of 1,000.
        double q = Math.Log(100);
        var random = new Random(12);
        int lowerMisses = 0, upperMisses = 0;
        const int Runs = 2000;
        int l = QuantileBounds.LowerIndex(1000, 0.99, 0.975), u = QuantileBounds.UpperIndex(1000, 0.99, 0.975);
        for (int run = 0; run < Runs; run++)
        {
            var x = new double[1000];
            for (int i = 0; i < x.Length; i++)
            {
                x[i] = -Math.Log(1 - random.NextDouble());
            }

            Array.Sort(x);
            lowerMisses += x[l - 1] > q ? 1 : 0;
            upperMisses += x[u - 1] < q ? 1 : 0;
        }

        // Each miss rate is at most 2.5% in theory; 3 standard errors of slack for the simulation.
        double slack = 3 * Math.Sqrt(0.025 * 0.975 / Runs);
        Assert.InRange(lowerMisses / (double)Runs, 0, 0.025 + slack);
        Assert.InRange(upperMisses / (double)Runs, 0, 0.025 + slack);
    }
}
