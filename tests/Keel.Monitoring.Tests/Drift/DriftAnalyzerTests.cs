using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Tests.Statistics;

namespace Keel.Monitoring.Tests.Drift;

public class DriftAnalyzerTests
{
    [Theory]
    [InlineData(ColumnKind.Numeric, 500, 400, "ks")]
    [InlineData(ColumnKind.Numeric, 1000, 1000, "ks")]
    [InlineData(ColumnKind.Numeric, 1001, 1000, "wasserstein")]
    [InlineData(ColumnKind.Numeric, 500, 5, "chisquare")]
    [InlineData(ColumnKind.Numeric, 500, 2, "z")]
    [InlineData(ColumnKind.Numeric, 5000, 4, "jensenshannon")]
    [InlineData(ColumnKind.Categorical, 500, 4, "chisquare")]
    [InlineData(ColumnKind.Categorical, 500, 2, "z")]
    [InlineData(ColumnKind.Categorical, 5000, 50, "jensenshannon")]
    public void Automatic_choice_follows_the_documented_rule(ColumnKind kind, long referenceCount, int distinct, string expected)
    {
        Assert.Equal(expected, TestSelection.Choose(kind, referenceCount, distinct).Name);
    }

    [Fact]
    public void Automatic_choice_agrees_with_evidently_on_the_fixture_except_keels_sound_chi_square()
    {
        foreach (var id in ScipyFixture.Ids("numeric"))
        {
            var e = ScipyFixture.Case(id)["expected"]!;
            string evidently = (string)e["peer_values"]!["evidently_default_stattest"]!;
            var chosen = TestSelection.Choose(ColumnKind.Numeric, (long)ScipyFixture.Number(e["n_reference_after_dropna"]), (int)ScipyFixture.Number(e["n_unique_combined"])).Name;
            Assert.Equal(evidently, chosen);
        }

        foreach (var id in ScipyFixture.Ids("categorical"))
        {
            var e = ScipyFixture.Case(id)["expected"]!;
            string evidently = (string)e["peer_values"]!["evidently_default_stattest"]!;
            var chosen = TestSelection.Choose(ColumnKind.Categorical, (long)ScipyFixture.Number(e["n_reference_after_dropna"]), e["categories"]!.AsArray().Count).Name;
            Assert.Equal(evidently, chosen);
        }
    }

    [Fact]
    public void Compare_reports_missing_values_constant_columns_and_one_sided_columns()
    {
        double[] refNums = [1, 2, double.NaN, 4, 5, 6, 7, 8, 9, 10];
        double[] curNums = [1, 2, 3, double.NaN, double.NaN, 6, 7, 8, 9, 10];
        var reference = new[]
        {
            DataColumn.Numeric("x", refNums),
            DataColumn.Numeric("const", [3, 3, 3, 3]),
            DataColumn.Labels("c", ["a", null, "b", "a"]),
            DataColumn.Numeric("only_ref", [1, 2, 3]),
        };
        var current = new[]
        {
            DataColumn.Numeric("x", curNums),
            DataColumn.Numeric("const", [3, 3, double.NaN]),
            DataColumn.Labels("c", ["a", "b", null, null]),
            DataColumn.Labels("only_cur", ["z"]),
        };

        var report = DriftAnalyzer.Compare(reference, current);
        var x = report.Columns.Single(c => c.Column == "x");
        Assert.Equal(new SideSummary(9, 1, 9), x.Reference);
        Assert.Equal(new SideSummary(8, 2, 8), x.Current);
        Assert.Equal("ks", x.Test);
        var k = report.Columns.Single(c => c.Column == "const");
        Assert.Equal(ColumnStatus.Constant, k.Status);
        Assert.False(k.Drifted);
        Assert.Equal(1, k.Current!.Missing);
        var c = report.Columns.Single(c => c.Column == "c");
        Assert.Equal(1, c.Reference!.Missing);
        Assert.Equal(2, c.Current!.Missing);
        Assert.Equal(ColumnStatus.MissingInCurrent, report.Columns.Single(c => c.Column == "only_ref").Status);
        Assert.Equal(ColumnStatus.MissingInReference, report.Columns.Single(c => c.Column == "only_cur").Status);
        Assert.Equal(3, report.ComparedColumns);
    }

    [Fact]
    public void Override_sets_test_and_threshold_per_column()
    {
        var c = ScipyFixture.Case("num_mean_shift_small_1000");
        var r = ScipyFixture.Numbers(c["reference"]);
        var cur = ScipyFixture.Numbers(c["current"]);
        var options = new DriftOptions
        {
            Overrides = { ["x"] = new ColumnTestOverride("mannwhitney", 0.5) },
        };
        var result = DriftAnalyzer.Compare([DataColumn.Numeric("x", r)], [DataColumn.Numeric("x", cur)], options).Columns[0];
        Assert.Equal("mannwhitney", result.Test);
        Assert.False(result.AutoSelected);
        Assert.Equal(0.5, result.Threshold);
        Tolerance.PValue(ScipyFixture.Number(c["expected"]!["mannwhitneyu"]!["pvalue"]), result.PValue!.Value, "override p");
        Assert.True(result.Drifted);
    }

    [Fact]
    public void Unknown_test_or_bad_threshold_is_refused_with_every_problem_listed()
    {
        var options = new DriftOptions
        {
            DriftShare = 2,
            Overrides = { ["a"] = new ColumnTestOverride("nope"), ["b"] = new ColumnTestOverride("ks", 3) },
        };
        var ex = Assert.Throws<KeelException>(() => options.Validate());
        Assert.Equal(ErrorCode.InvalidParameterValue, ex.Code);
        Assert.Contains("nope", ex.Message, StringComparison.Ordinal);
        Assert.Contains("threshold 3", ex.Message, StringComparison.Ordinal);
        Assert.Contains("drift share", ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(MultipleTestingCorrection.None, new[] { 0.01, 0.04, 0.03, 0.005 })]
    [InlineData(MultipleTestingCorrection.Bonferroni, new[] { 0.04, 0.16, 0.12, 0.02 })]
    [InlineData(MultipleTestingCorrection.BenjaminiHochberg, new[] { 0.02, 0.04, 0.04, 0.02 })]
    public void Corrections_adjust_p_values_as_defined(MultipleTestingCorrection correction, double[] expected)
    {
        var adjusted = MultipleTesting.Adjust([0.01, 0.04, 0.03, 0.005], correction);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.Equal(expected[i], adjusted[i], 1e-12);
        }
    }

    [Fact]
    public void Dataset_verdict_uses_the_share_of_drifted_columns()
    {
        var shifted = ScipyFixture.Case("num_mean_shift_large_1000");
        var same = ScipyFixture.Case("num_identical_normal_500");
        DataColumn[] reference = [DataColumn.Numeric("a", ScipyFixture.Numbers(shifted["reference"])), DataColumn.Numeric("b", ScipyFixture.Numbers(same["reference"]))];
        DataColumn[] current = [DataColumn.Numeric("a", ScipyFixture.Numbers(shifted["current"])), DataColumn.Numeric("b", ScipyFixture.Numbers(same["current"]))];

        var half = DriftAnalyzer.Compare(reference, current);
        Assert.Equal(1, half.DriftedColumns);
        Assert.True(half.DatasetDrift);
        Assert.Equal("a", half.Columns[0].Column);

        var strict = DriftAnalyzer.Compare(reference, current, new DriftOptions { DriftShare = 0.75 });
        Assert.False(strict.DatasetDrift);
    }

    [Fact]
    public void Bonferroni_can_turn_a_marginal_column_into_no_drift()
    {
        var c = ScipyFixture.Case("num_nan_present_300_250");
        var r = ScipyFixture.Numbers(c["reference"]);
        var cur = ScipyFixture.Numbers(c["current"]);
        var cols = Enumerable.Range(0, 3).Select(i => DataColumn.Numeric("x" + i, r)).ToArray();
        var curCols = Enumerable.Range(0, 3).Select(i => DataColumn.Numeric("x" + i, cur)).ToArray();
        var none = DriftAnalyzer.Compare(cols, curCols);
        var bonf = DriftAnalyzer.Compare(cols, curCols, new DriftOptions { Correction = MultipleTestingCorrection.Bonferroni });
        Assert.All(none.Columns, col => Assert.True(col.Drifted));
        Assert.All(bonf.Columns, col => Assert.False(col.Drifted));
        Assert.Equal(Math.Min(1, 3 * none.Columns[0].PValue!.Value), bonf.Columns[0].AdjustedPValue!.Value, 1e-15);
    }
}
