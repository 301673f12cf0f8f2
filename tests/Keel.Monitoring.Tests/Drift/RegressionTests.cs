using Keel.Core.Data;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Statistics;
using Keel.Monitoring.Tests.Statistics;

namespace Keel.Monitoring.Tests.Drift;

/// <summary>Regression tests named after the faults of the formulas as first written (recorded in the fixture).</summary>
public class RegressionTests
{
    [Fact]
    public void Chi_square_as_specified_breaks_on_unequal_sizes_so_the_default_is_the_homogeneity_test()
    {
        var c = ScipyFixture.Case("cat_same_freq_unequal_n_1000_600");
        var counts = CategoryCounts.From(ScipyFixture.Strings(c["reference"]), ScipyFixture.Strings(c["current"]));
        var spec = DriftMethods.Get("chisquare_spec").CategoricalTest!(counts);
        Assert.NotNull(spec.NotApplicable);

        var report = DriftAnalyzer.Compare([DataColumn.Labels("c", ScipyFixture.Strings(c["reference"]))], [DataColumn.Labels("c", ScipyFixture.Strings(c["current"]))]);
        var col = report.Columns[0];
        Assert.Equal("chisquare", col.Test);
        Tolerance.PValue(ScipyFixture.Number(c["expected"]!["chi2_contingency_correction_true"]!["pvalue"]), col.PValue!.Value, "homogeneity p");
        Assert.False(col.Drifted);
    }

    [Fact]
    public void Psi_over_reference_range_bins_reads_total_drift_as_nothing_so_the_default_uses_open_ended_bins()
    {
        var c = ScipyFixture.Case("num_disjoint_support_200");
        var r = ScipyFixture.Numbers(c["reference"]);
        var cur = ScipyFixture.Numbers(c["current"]);
        var (a, b) = Samples.SortBoth(r, cur);

        var spec = DriftMethods.Get("psi_spec").NumericTest!(a, b);
        Assert.Contains("no current value falls inside the reference range", spec.NotApplicable, StringComparison.Ordinal);

        var psi = DriftMethods.Get("psi").NumericTest!(a, b);
        Assert.Null(psi.NotApplicable);
        Assert.True(psi.Statistic > 5, $"open-ended PSI should be large, got {psi.Statistic}");
    }

    [Fact]
    public void Where_scipy_raises_keel_reports_not_applicable_with_the_reason()
    {
        var c = ScipyFixture.Case("num_constant_both_same");
        var (a, b) = Samples.SortBoth(ScipyFixture.Numbers(c["reference"]), ScipyFixture.Numbers(c["current"]));
        var ad = DriftMethods.Get("anderson").NumericTest!(a, b);
        Assert.Equal("anderson_ksamp needs more than one distinct observation", ad.NotApplicable);
        Assert.Null(ad.PValue);

        var single = ScipyFixture.Case("cat_single_category_both");
        var counts = CategoryCounts.From(ScipyFixture.Strings(single["reference"]), ScipyFixture.Strings(single["current"]));
        Assert.NotNull(DriftMethods.Get("chisquare_gof").CategoricalTest!(counts).NotApplicable);
        Assert.NotNull(DriftMethods.Get("z").CategoricalTest!(counts).NotApplicable);
    }

    [Fact]
    public void Constant_columns_are_reported_as_constant_not_as_cramer_von_mises_drift()
    {
        // scipy's cramervonmises_2samp gives p = 0.0096 on two identical constant columns.
        var c = ScipyFixture.Case("num_constant_both_same");
        var report = DriftAnalyzer.Compare(
            [DataColumn.Numeric("k", ScipyFixture.Numbers(c["reference"]))],
            [DataColumn.Numeric("k", ScipyFixture.Numbers(c["current"]))],
            new DriftOptions { Overrides = { ["k"] = new ColumnTestOverride("cvm") } });
        Assert.Equal(ColumnStatus.Constant, report.Columns[0].Status);
        Assert.False(report.DatasetDrift);
    }
}
