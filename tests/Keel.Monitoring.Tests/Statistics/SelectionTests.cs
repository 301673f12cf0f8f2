using Keel.Monitoring.Performance;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Tests.Statistics;

/// <summary>The monitor's latency quantiles by selection equal numpy's linear quantile of the sorted values.</summary>
public class SelectionTests
{
    public static TheoryData<int, int> Cases => new()
    {
        // values, distinct levels (few levels: many ties, as integer microseconds are)
        { 1, 10 },
        { 2, 10 },
        { 3, 2 },
        { 100, 1 },
        { 101, 1_000_000 },
        { 1_000, 7 },
        { 35_000, 400 },
        { 35_001, 1_000_000 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Quantile_EqualsTheLinearQuantileOfTheSortedValues(int count, int levels)
    {
        var random = new Random(count * 7 + levels);
        var values = Enumerable.Range(0, count).Select(_ => (double)random.Next(levels)).ToArray();
        var sorted = values.Order().ToArray();
        var work = values.ToArray();
        foreach (var level in new[] { 0.99, 0.5, 0.0, 1.0, 0.25, 0.999 })
        {
            Assert.Equal(PredictionStatistics.Quantile(sorted, level), Selection.Quantile(work, level));
        }

        Assert.Equal(sorted, work.Order().ToArray()); // reordered, nothing lost
    }

    [Fact]
    public void Quantile_OfSortedAndReversedValues_IsTheSortedQuantile()
    {
        var ascending = Enumerable.Range(0, 10_001).Select(i => (double)i).ToArray();
        var descending = ascending.Reverse().ToArray();
        Assert.Equal(9_900.0, Selection.Quantile(ascending.ToArray(), 0.99));
        Assert.Equal(PredictionStatistics.Quantile(ascending, 0.995), Selection.Quantile(descending, 0.995));
    }
}
