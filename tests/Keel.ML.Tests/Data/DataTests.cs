using Keel.Core.Data;
using Keel.Core.Models;
using Keel.ML.Data;

namespace Keel.ML.Tests.Data;

public class DataLoaderTests
{
    [Fact]
    public async Task LoadAsync_CreditSlice_EmptyFieldsAreMissingAndKindsInferred()
    {
        var table = await DataLoader.LoadAsync(TestData.PathOf("credit_data_600.csv"), new Dictionary<string, ColumnKind> { ["Time"] = ColumnKind.Categorical });

        Assert.Equal(600, table.RowCount);
        Assert.Equal(14, table.Columns.Count);
        Assert.Equal(ColumnKind.Categorical, table["Status"].Kind);
        Assert.Equal(ColumnKind.Categorical, table["Home"].Kind);
        Assert.Equal(ColumnKind.Numeric, table["Income"].Kind);
        Assert.Equal(ColumnKind.Categorical, table["Time"].Kind);
        Assert.True(table["Income"].MissingCount > 0);
        Assert.Equal(table["Income"].MissingCount, table["Income"].Numbers!.Count(double.IsNaN));
        Assert.Equal(ColumnType.Double, table.Schema()["Income"]);
        Assert.Equal(ColumnType.String, table.Schema()["Home"]);
    }

    [Fact]
    public async Task ComputeAsync_MatchesSha256sum()
    {
        // Reference: `sha256sum breast_cancer_wdbc.csv` (GNU coreutils).
        var digest = await DataDigest.ComputeAsync(TestData.PathOf("breast_cancer_wdbc.csv"));

        Assert.Equal("sha256:ef33394fe575b58cca6eb62312c8664f8f07d825a604205e02c3437b82a17748", digest);
    }
}

public class DataSplitterTests
{
    [Fact]
    public void Random_SizesFollowFractions_DisjointAndComplete_Deterministic()
    {
        var split = DataSplitter.Random(1000, 0.7, 0.2, seed: 5);

        Assert.Equal((700, 200, 100), (split.Train.Length, split.Validation.Length, split.Test.Length));
        var all = split.Train.Concat(split.Validation).Concat(split.Test).Order().ToArray();
        Assert.Equal(Enumerable.Range(0, 1000), all);
        Assert.Equal(split.Train, DataSplitter.Random(1000, 0.7, 0.2, seed: 5).Train);
        Assert.NotEqual(split.Train, DataSplitter.Random(1000, 0.7, 0.2, seed: 6).Train);
    }

    [Fact]
    public void Stratified_KeepsClassProportionsInEverySplit()
    {
        // 300 of class a, 100 of class b: every split must hold a:b = 3:1.
        var labels = Enumerable.Range(0, 400).Select(i => i % 4 == 0 ? "b" : "a").ToArray();

        var split = DataSplitter.Stratified(labels, 0.5, 0.25, seed: 1);

        foreach (var (rows, expectedB) in new[] { (split.Train, 50), (split.Validation, 25), (split.Test, 25) })
        {
            Assert.Equal(expectedB, rows.Count(r => labels[r] == "b"));
            Assert.Equal(3 * expectedB, rows.Count(r => labels[r] == "a"));
        }
    }

    [Fact]
    public void ByTime_TrainsOnThePastAndTestsOnTheFuture()
    {
        var start = new DateTime(2001, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        // Times deliberately out of file order.
        var times = Enumerable.Range(0, 100).Select(i => (DateTime?)start.AddDays((i * 37) % 100)).ToArray();

        var split = DataSplitter.ByTime(times, 0.6, 0.2);

        Assert.Equal((60, 20, 20), (split.Train.Length, split.Validation.Length, split.Test.Length));
        Assert.True(split.Train.Max(r => times[r]) < split.Validation.Min(r => times[r]));
        Assert.True(split.Validation.Max(r => times[r]) < split.Test.Min(r => times[r]));
    }
}
