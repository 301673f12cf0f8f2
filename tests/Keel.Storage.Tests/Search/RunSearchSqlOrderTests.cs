using Keel.Core.Tracking;

namespace Keel.Storage.Tests.Search;

public class RunSearchSqlOrderTests(RunSearchFixture runs) : IClassFixture<RunSearchFixture>
{
    [Theory]
    // Values first, then NaN, then runs without the metric, whatever the direction (MLflow's CASE).
    [InlineData("metrics.acc DESC", "r1 r3 r5 r2 r7")]
    [InlineData("metrics.acc", "r5 r3 r1 r2 r7")]
    [InlineData("metrics.acc ASC", "r5 r3 r1 r2 r7")]
    [InlineData("metrics.loss ASC", "r2 r1 r5 r7 r3")]
    [InlineData("metrics.loss DESC", "r5 r1 r2 r7 r3")]
    // Missing params/tags last; ties broken by start_time DESC then run id.
    [InlineData("params.lr ASC", "r2 r3 r1 r5 r7")]
    [InlineData("params.lr DESC", "r3 r1 r2 r5 r7")]
    [InlineData("tags.team", "r2 r1 r5 r3 r7")]
    [InlineData("tags.team DESC", "r5 r1 r2 r3 r7")]
    [InlineData("attributes.start_time ASC", "r7 r5 r1 r2 r3")]
    [InlineData("created DESC", "r3 r2 r1 r5 r7")]
    [InlineData("attributes.run_name", "r3 r1 r2 r5 r7")]
    [InlineData("attributes.run_name DESC", "r7 r5 r2 r1 r3")]
    [InlineData("attributes.end_time DESC", "r3 r1 r5 r2 r7")]
    [InlineData("attributes.end_time", "r5 r1 r3 r2 r7")]
    [InlineData("attributes.status", "r3 r1 r5 r7 r2")]
    [InlineData("attributes.user_id DESC", "r7 r2 r5 r3 r1")]
    [InlineData("attributes.run_id DESC", "r7 r5 r3 r2 r1")]
    public void SingleOrderBy(string orderBy, string expected) =>
        Assert.Equal(expected, string.Join(' ', runs.Search(null, [orderBy])));

    [Theory]
    [InlineData("params.lr DESC", "metrics.acc ASC", "r3 r1 r2 r5 r7")]
    [InlineData("params.lr DESC", "metrics.acc DESC", "r1 r3 r2 r5 r7")]
    [InlineData("attributes.user_id", "metrics.acc DESC", "r1 r3 r5 r2 r7")]
    [InlineData("metrics.loss DESC", "params.model", "r5 r1 r2 r7 r3")]
    [InlineData("tags.team", "attributes.start_time", "r2 r1 r5 r7 r3")]
    public void TwoOrderBys(string first, string second, string expected) =>
        Assert.Equal(expected, string.Join(' ', runs.Search(null, [first, second])));

    [Fact]
    public void EqualStartTimes_BreakTiesOnRunId() =>
        Assert.Equal("r7 r5 r1 r2 r3 r4", string.Join(' ', runs.Search(null, ["attributes.start_time"], ViewType.All)));

    [Fact]
    public void OrderByMetric_AppliesTheFilter() =>
        Assert.Equal("r1 r3", string.Join(' ', runs.Search("metrics.acc > 0", ["metrics.loss DESC"])));

    [Fact]
    public void OrderByMetric_SeesOnlyTheViewAndExperiments()
    {
        Assert.Equal("r4", string.Join(' ', runs.Search(null, ["metrics.acc DESC"], ViewType.DeletedOnly)));
        Assert.Equal("r6 r4 r1 r3 r5 r2 r7", string.Join(' ', runs.Search(null, ["metrics.acc DESC"], ViewType.All, [1, 2])));
    }

    [Theory]
    [InlineData(0, "r1 r3")]
    [InlineData(2, "r5 r2")]
    [InlineData(3, "r2 r7")]
    [InlineData(4, "r7")]
    [InlineData(5, "")]
    [InlineData(50, "")]
    public void Paging_ByMetric_CrossesValueNaNAndMissingGroups(long offset, string expected) =>
        Assert.Equal(expected, string.Join(' ', runs.Search(null, ["metrics.acc DESC"], limit: 2, offset: offset)));

    [Theory]
    [InlineData(0, "r3 r2")]
    [InlineData(2, "r1 r5")]
    [InlineData(4, "r7")]
    public void Paging_DefaultOrder(long offset, string expected) =>
        Assert.Equal(expected, string.Join(' ', runs.Search(null, limit: 2, offset: offset)));

    [Fact]
    public void Paging_ConcatenatedPages_EqualOneBigPage()
    {
        var order = new[] { "params.lr DESC", "metrics.acc" };
        var all = runs.Search("attributes.start_time > 0", order);
        var paged = new List<string>();
        for (var offset = 0; offset < all.Count; offset++)
        {
            paged.AddRange(runs.Search("attributes.start_time > 0", order, limit: 1, offset: offset));
        }

        Assert.Equal(all, paged);
    }
}
