using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Tests.Statistics;

/// <summary>
/// Independent cross-checks of exact algorithms outside the fixture's points: two exact methods
/// for the Kolmogorov distribution must agree, and the Cramér-von Mises and Mann-Whitney exact
/// p-values must equal brute-force enumeration of all rank assignments.
/// </summary>
public class ExactDistributionCrossChecks
{
    [Theory]
    [InlineData(5)]
    [InlineData(20)]
    [InlineData(80)]
    [InlineData(140)]
    public void Durbin_matrix_and_Pomeranz_recursion_agree(int n)
    {
        for (double x = 0.6 / n + 0.001; x < 0.5; x += 0.013)
        {
            double durbin = KolmogorovDistribution.Durbin(n, x);
            double pomeranz = KolmogorovDistribution.Pomeranz(n, x);
            Assert.True(Math.Abs(durbin - pomeranz) < 1e-10, $"n={n} x={x}: Durbin {durbin} vs Pomeranz {pomeranz}");
        }
    }

    [Theory]
    [InlineData(7)]
    [InlineData(60)]
    [InlineData(300)]
    public void Two_sided_tail_equals_twice_smirnov_above_one_half(int n)
    {
        for (double x = 0.5; x < 0.95; x += 0.05)
        {
            // Compared on the CDF: 1 − CDF loses all relative precision once the tail is tiny.
            double cdf = KolmogorovDistribution.Durbin(n, x);
            Tolerance.Check(cdf, 1 - 2 * KolmogorovDistribution.Smirnov(n, x), 1e-12, 0, $"n={n} x={x}");
        }
    }

    [Theory]
    [InlineData(4, 5)]
    [InlineData(6, 6)]
    [InlineData(3, 8)]
    public void CramerVonMises_exact_p_equals_enumeration(int m, int n)
    {
        var all = Partitions(m + n, m).ToList();
        foreach (var observed in all.Take(40))
        {
            double u = U(observed, m, n);
            int atLeast = all.Count(p => U(p, m, n) >= u - 1e-9);
            Tolerance.Check(atLeast / (double)all.Count, CramerVonMises.ExactPValue(u, m, n), 1e-15, 1e-12, $"m={m} n={n} u={u}");
        }
    }

    [Theory]
    [InlineData(3, 7)]
    [InlineData(8, 8)]
    [InlineData(5, 12)]
    public void MannWhitney_exact_tail_equals_enumeration(int m, int n)
    {
        var all = Partitions(m + n, m).Select(ranks => ranks.Sum() - m * (m + 1) / 2).ToList();
        for (int u = 0; u <= m * n; u += 3)
        {
            double expected = all.Count(x => x >= u) / (double)all.Count;
            Tolerance.Check(expected, MannWhitney.ExactSf(u, m, n), 1e-15, 1e-12, $"m={m} n={n} u={u}");
        }
    }

    /// <summary>All choices of <paramref name="k"/> ranks (1-based) out of <paramref name="total"/>.</summary>
    private static IEnumerable<int[]> Partitions(int total, int k)
    {
        var idx = Enumerable.Range(1, k).ToArray();
        while (true)
        {
            yield return (int[])idx.Clone();
            int i = k - 1;
            while (i >= 0 && idx[i] == total - k + i + 1)
            {
                i--;
            }

            if (i < 0)
            {
                yield break;
            }

            idx[i]++;
            for (int j = i + 1; j < k; j++)
            {
                idx[j] = idx[j - 1] + 1;
            }
        }
    }

    /// <summary>U = m Σ(r_i − i)² + n Σ(s_j − j)² for x-ranks <paramref name="xRanks"/>.</summary>
    private static double U(int[] xRanks, int m, int n)
    {
        var yRanks = Enumerable.Range(1, m + n).Except(xRanks).ToArray();
        double ux = xRanks.Select((r, i) => (double)(r - (i + 1)) * (r - (i + 1))).Sum();
        double uy = yRanks.Select((r, j) => (double)(r - (j + 1)) * (r - (j + 1))).Sum();
        return m * ux + n * uy;
    }
}
