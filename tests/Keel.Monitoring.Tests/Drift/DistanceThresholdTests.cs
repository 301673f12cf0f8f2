using Keel.Monitoring.Drift;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Tests.Drift;

/// <summary>
/// How often same-distribution pairs exceed each distance's default threshold (0.1), by sample size.
/// Distances have no nominal level; these measured shares (documented in docs/drift.md) show that
/// every distance over its default threshold of 0.1 flags most same-distribution pairs of 100 values and
/// almost none from ~2,000 values, which is why the automatic rule uses them only for large references.
/// </summary>
public class DistanceThresholdTests(ITestOutputHelper output)
{
    private const int Pairs = 400;

    [Theory]
    [InlineData("psi", 100, 0.8, 0.97)]
    [InlineData("psi", 500, 0.0, 0.03)]
    [InlineData("psi", 2000, 0.0, 0.01)]
    [InlineData("psi", 10000, 0.0, 0.01)]
    [InlineData("jensenshannon", 100, 0.9, 1.0)]
    [InlineData("jensenshannon", 500, 0.07, 0.21)]
    [InlineData("jensenshannon", 2000, 0.0, 0.01)]
    [InlineData("jensenshannon", 10000, 0.0, 0.01)]
    [InlineData("hellinger", 100, 0.85, 1.0)]
    [InlineData("hellinger", 500, 0.0, 0.06)]
    [InlineData("hellinger", 2000, 0.0, 0.01)]
    [InlineData("hellinger", 10000, 0.0, 0.01)]
    [InlineData("wasserstein", 100, 0.88, 1.0)]
    [InlineData("wasserstein", 500, 0.13, 0.29)]
    [InlineData("wasserstein", 2000, 0.0, 0.02)]
    [InlineData("wasserstein", 10000, 0.0, 0.01)]
    public void Share_of_same_distribution_pairs_over_the_default_threshold(string method, int n, double low, double high)
    {
        var share = Measure(method, n, seed: 2024 + n);
        output.WriteLine($"{method} n={n}: {share:P2} over {DriftMethods.Get(method).DefaultThreshold}");
        Assert.InRange(share, low, high);
    }

    [Fact]
    public void Categorical_distances_on_four_categories_stay_under_threshold_from_a_few_hundred_values()
    {
        var sim = new Simulation(5);
        double[] probs = [0.4, 0.3, 0.2, 0.1];
        foreach (var name in new[] { "psi", "jensenshannon", "hellinger" })
        {
            var m = DriftMethods.Get(name);
            int over = 0;
            for (int i = 0; i < Pairs; i++)
            {
                var counts = CategoryCounts.From(sim.Categories(500, probs), sim.Categories(500, probs));
                if (m.CategoricalTest!(counts).Statistic > m.DefaultThreshold)
                {
                    over++;
                }
            }

            output.WriteLine($"{name} categorical 4 levels n=500: {over / (double)Pairs:P2}");
            Assert.True(over <= Pairs / 100, $"{name}: {over} of {Pairs}");
        }
    }

    private static double Measure(string name, int n, int seed)
    {
        var sim = new Simulation(seed);
        var method = DriftMethods.Get(name);
        int over = 0;
        int pairs = n >= 10000 ? Pairs / 4 : Pairs;
        for (int i = 0; i < pairs; i++)
        {
            var (a, b) = Samples.SortBoth(sim.Normal(n), sim.Normal(n));
            if (method.NumericTest!(a, b).Statistic > method.DefaultThreshold)
            {
                over++;
            }
        }

        return over / (double)pairs;
    }
}
