using Keel.Core.Data;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Models;
using Keel.Core.Validation.Gates;

namespace Keel.Core.Tests.Validation.Gates;

public class DataProfilerTests
{
    internal static DataColumn[] Training() =>
    [
        DataColumn.Numeric("age", [20, 30, null, 40, double.NaN]),
        DataColumn.Text("city", ["paris", "lyon", "paris", null, "paris"]),
        DataColumn.Numeric("visits", [1, 2, 3, 4, 5], ColumnType.Integer),
        DataColumn.Text("signed_up", ["2024-01-01", null, null, "2024-02-01", "2024-03-01"], ColumnType.DateTime),
    ];

    [Fact]
    public void Profile_NumericColumn_CountsMissingAndNaNAndRange()
    {
        var age = DataProfiler.Profile(Training()).Find("age")!;

        Assert.Equal((3L, 2L, 0.4, 20.0, 40.0), (age.Count, age.MissingCount, age.MissingShare, age.Min!.Value, age.Max!.Value));
        Assert.Null(age.Categories);
        Assert.Null(age.OutOfRangeCount);
    }

    [Fact]
    public void Profile_CategoricalColumn_CountsCategoriesMostFrequentFirst()
    {
        var city = DataProfiler.Profile(Training()).Find("city")!;

        Assert.Equal([new CategoryCount("paris", 3), new CategoryCount("lyon", 1)], city.Categories);
        Assert.Equal((4L, 1L, 0L), (city.Count, city.MissingCount, city.OtherCount!.Value));
        Assert.Null(city.Min);
    }

    [Fact]
    public void Profile_CategoriesOverCap_AreSummedAsOther()
    {
        var column = DataColumn.Text("c", ["a", "a", "a", "b", "b", "c", "d"]);

        var profile = DataProfiler.Profile([column], new ProfileOptions { MaxCategories = 2 }).Columns[0];

        Assert.Equal(["a", "b"], profile.Categories!.Select(c => c.Value));
        Assert.Equal(2, profile.OtherCount);
    }

    [Fact]
    public void Profile_OtherColumn_KeepsCountsOnly()
    {
        var dates = DataProfiler.Profile(Training()).Find("signed_up")!;

        Assert.Equal((3L, 2L), (dates.Count, dates.MissingCount));
        Assert.Null(dates.Categories);
        Assert.Null(dates.Min);
    }

    [Fact]
    public void Profile_AgainstReference_CountsOutOfRangeAndUnseen()
    {
        var training = DataProfiler.Profile(Training());
        DataColumn[] current =
        [
            DataColumn.Numeric("age", [19, 20, 40, 41, null]),
            DataColumn.Text("city", ["paris", "nice", "nice", "lyon", null]),
        ];

        var profile = DataProfiler.Profile(current, training);

        Assert.Equal(2, profile.Find("age")!.OutOfRangeCount);
        Assert.Equal(2, profile.Find("city")!.UnseenCount);
    }

    [Fact]
    public void Profile_UnequalLengths_Refused()
    {
        var e = Assert.Throws<KeelException>(() => DataProfiler.Profile([DataColumn.Numeric("a", [1, 2]), DataColumn.Numeric("b", [1])]));
        Assert.Contains("'b' has 1 rows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Profile_DuplicateNames_Refused() =>
        Assert.Throws<KeelException>(() => DataProfiler.Profile([DataColumn.Numeric("a", [1]), DataColumn.Numeric("a", [2])]));

    [Fact]
    public void DataColumn_TypeMustMatchValueKind()
    {
        Assert.Throws<ArgumentException>(() => DataColumn.Numeric("a", [1], ColumnType.String));
        Assert.Throws<ArgumentException>(() => DataColumn.Text("a", ["1"], ColumnType.Long));
    }

    [Fact]
    public void Profile_Json_RoundTripsWithKeelJson()
    {
        var profile = DataProfiler.Profile(Training());

        var json = JsonSerializer.Serialize(profile, KeelJson.Options);
        var back = JsonSerializer.Deserialize<DataProfile>(json, KeelJson.Options)!;

        Assert.Equal(json, JsonSerializer.Serialize(back, KeelJson.Options));
        Assert.Equal(profile.Columns.Select(c => c with { Categories = null }), back.Columns.Select(c => c with { Categories = null }));
        Assert.Equal(profile.Find("city")!.Categories, back.Find("city")!.Categories);
    }

    [Fact]
    public void Profile_Json_IsSnakeCase()
    {
        var json = JsonSerializer.Serialize(DataProfiler.Profile(Training()), KeelJson.Options);

        Assert.Contains("\"row_count\":5", json, StringComparison.Ordinal);
        Assert.Contains("\"missing_share\":0.4", json, StringComparison.Ordinal);
        Assert.Contains("\"other_count\":0", json, StringComparison.Ordinal);
        Assert.Contains("\"type\":\"DOUBLE\"", json, StringComparison.Ordinal);
        Assert.DoesNotContain("out_of_range_count", json, StringComparison.Ordinal);
    }
}
