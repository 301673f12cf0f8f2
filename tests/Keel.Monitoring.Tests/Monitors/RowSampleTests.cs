using Keel.Monitoring.Monitors;

namespace Keel.Monitoring.Tests.Monitors;

public sealed class RowSampleTests
{
    [Theory]
    [InlineData(1_001, 1_000)]
    [InlineData(10, 1)]
    [InlineData(1_000_000, 100_000)]
    [InlineData(5, 4)]
    public void Indices_AboveTheSize_TakeExactlyThatMany_DistinctAscendingAndInRange(int rows, int size)
    {
        var kept = RowSample.Indices(rows, size, seed: 42);
        Assert.Equal(size, kept.Length);
        Assert.True(kept[0] >= 0 && kept[^1] < rows);
        for (var i = 1; i < kept.Length; i++)
        {
            Assert.True(kept[i] > kept[i - 1], $"index {i}: {kept[i]} after {kept[i - 1]}");
        }
    }

    [Theory]
    [InlineData(0, 10)]
    [InlineData(7, 7)]
    [InlineData(3, 100)]
    public void Indices_AtMostTheSize_TakeEveryRow(int rows, int size) =>
        Assert.Equal(Enumerable.Range(0, rows), RowSample.Indices(rows, size, seed: 1));

    [Fact]
    public void Indices_SameSeed_SameRows_OtherSeed_OtherRows()
    {
        var seed = RowSample.Seed("flights/1///1000/2000");
        Assert.Equal(RowSample.Indices(100_000, 1_000, seed), RowSample.Indices(100_000, 1_000, seed));
        Assert.NotEqual(RowSample.Indices(100_000, 1_000, seed), RowSample.Indices(100_000, 1_000, RowSample.Seed("flights/1///2000/3000")));
    }

    [Fact]
    public void Indices_EveryRowAndEveryPairEquallyLikely()
    {
        // 40,000 samples of 10 of 40 rows, one seed each: each row is in a sample with probability 1/4,
        // each pair with probability 10·9/(40·39). Chi-square of the row counts against 39 degrees of
        // freedom (99.99 % quantile 79.3), and pairs within 5 standard deviations.
        const int rows = 40, size = 10, draws = 40_000;
        var counts = new long[rows];
        long firstPair = 0, farPair = 0;
        for (var d = 0; d < draws; d++)
        {
            var kept = RowSample.Indices(rows, size, RowSample.Seed("draw " + d));
            foreach (var i in kept)
            {
                counts[i]++;
            }

            firstPair += kept.Contains(0) && kept.Contains(1) ? 1 : 0;
            farPair += kept.Contains(0) && kept.Contains(rows - 1) ? 1 : 0;
        }

        var expected = draws * (double)size / rows;
        var chi2 = counts.Sum(c => (c - expected) * (c - expected) / expected);
        Assert.True(chi2 < 79.3, $"chi-square {chi2:F1} over 39 degrees of freedom: rows are not equally likely ({string.Join(",", counts)})");
        var pair = size * (size - 1.0) / (rows * (rows - 1.0));
        var sd = Math.Sqrt(draws * pair * (1 - pair));
        Assert.InRange(firstPair, draws * pair - (5 * sd), draws * pair + (5 * sd));
        Assert.InRange(farPair, draws * pair - (5 * sd), draws * pair + (5 * sd));
    }

    [Theory]
    [InlineData("", 0xcbf29ce484222325UL)]
    [InlineData("a", 0xaf63dc4c8601ec8cUL)]
    [InlineData("foobar", 0x85944171f73967e8UL)]
    public void Seed_IsFnv1a64_TheSameInEveryProcess(string key, ulong expected) => Assert.Equal(expected, RowSample.Seed(key));
}
