using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Tests.Statistics;

/// <summary>Every categorical case of the scipy fixture, within the header's tolerances.</summary>
public class CategoricalFixtureTests
{
    public static TheoryData<string> CategoricalCases() => [.. ScipyFixture.Ids("categorical")];

    private static (CategoryCounts Counts, System.Text.Json.Nodes.JsonObject Expected) Load(string id)
    {
        var c = ScipyFixture.Case(id);
        var counts = CategoryCounts.From(ScipyFixture.Strings(c["reference"]), ScipyFixture.Strings(c["current"]));
        return (counts, c["expected"]!.AsObject());
    }

    [Theory]
    [MemberData(nameof(CategoricalCases))]
    public void Counts_categories_and_missing_values_match(string id)
    {
        var (counts, e) = Load(id);
        Assert.Equal(ScipyFixture.Strings(e["categories"]), counts.Categories);
        Assert.Equal(ScipyFixture.Longs(e["ref_counts"]), counts.ReferenceCounts);
        Assert.Equal(ScipyFixture.Longs(e["cur_counts"]), counts.CurrentCounts);
        Assert.Equal((long)ScipyFixture.Number(e["n_reference_after_dropna"]), counts.ReferenceTotal);
        Assert.Equal((long)ScipyFixture.Number(e["n_current_after_dropna"]), counts.CurrentTotal);
        Assert.Equal(ScipyFixture.Strings(e["new_categories_in_current"]), counts.NewInCurrent.ToArray());
        Assert.Equal(ScipyFixture.Strings(e["missing_categories_in_current"]), counts.MissingInCurrent.ToArray());
    }

    [Theory]
    [MemberData(nameof(CategoricalCases))]
    public void ChiSquare_variants_match_scipy(string id)
    {
        var (counts, e) = Load(id);
        AssertChi(e["chi2_contingency_correction_true"]!, ChiSquare.Homogeneity(counts.ReferenceCounts, counts.CurrentCounts, yates: true), id + " contingency yates");
        AssertChi(e["chi2_contingency_correction_false"]!, ChiSquare.Homogeneity(counts.ReferenceCounts, counts.CurrentCounts, yates: false), id + " contingency");
        AssertChi(e["chisquare_gof_expected_from_ref_props"]!, ChiSquare.GoodnessOfFit(counts.ReferenceCounts, counts.CurrentCounts), id + " gof");
        AssertChi(e["chisquare_gof_eps_1e-4_renormalised"]!, ChiSquare.GoodnessOfFit(counts.ReferenceCounts, counts.CurrentCounts, 1e-4), id + " gof eps");

        var spec = e["chisquare_spec_as_written"]!;
        var result = ChiSquare.SpecAsWritten(counts.ReferenceCounts, counts.CurrentCounts, out var reason);
        if (spec["error"] is not null)
        {
            Assert.Null(result);
            Assert.Contains("differ", reason, StringComparison.Ordinal);
        }
        else
        {
            Assert.NotNull(result);
            AssertChi(spec, result.Value, id + " spec");
        }
    }

    private static void AssertChi(System.Text.Json.Nodes.JsonNode node, ChiSquareResult actual, string what)
    {
        Tolerance.Statistic(ScipyFixture.Number(node["statistic"]), actual.Statistic, what + " statistic");
        Tolerance.PValue(ScipyFixture.Number(node["pvalue"]), actual.PValue, what + " p");
        Assert.Equal((int)ScipyFixture.Number(node["dof"]), actual.Dof);
    }

    [Theory]
    [MemberData(nameof(CategoricalCases))]
    public void Psi_js_hellinger_over_categories_match(string id)
    {
        var (counts, e) = Load(id);
        var pr = Divergences.Proportions(counts.ReferenceCounts);
        var pc = Divergences.Proportions(counts.CurrentCounts);
        Tolerance.Statistic(ScipyFixture.Number(e["psi_spec"]), Divergences.Psi(pr, pc, 0), id + " psi_spec");
        Tolerance.Statistic(ScipyFixture.Number(e["psi_eps_1e-4"]), Divergences.Psi(pr, pc, 1e-4), id + " psi_eps");
        Tolerance.Statistic(ScipyFixture.Number(e["jensenshannon_base2"]), Divergences.JensenShannon(pr, pc), id + " js");
        Tolerance.Statistic(ScipyFixture.Number(e["hellinger"]), Divergences.Hellinger(pr, pc), id + " hellinger");
    }

    [Theory]
    [MemberData(nameof(CategoricalCases))]
    public void Binary_tests_match_scipy(string id)
    {
        var (counts, e) = Load(id);
        if (e["two_proportion_ztest"] is not { } z)
        {
            Assert.Null(e["fisher_exact_two_sided"]);
            return;
        }

        Assert.Equal((string)z["positive_category"]!, counts.Categories[^1]);
        var zt = ProportionTests.TwoProportionZ(counts.ReferenceCounts[^1], counts.ReferenceTotal, counts.CurrentCounts[^1], counts.CurrentTotal);
        Tolerance.Statistic(ScipyFixture.Number(z["p_reference"]), zt.PReference, id + " p_ref");
        Tolerance.Statistic(ScipyFixture.Number(z["p_current"]), zt.PCurrent, id + " p_cur");
        Tolerance.Statistic(ScipyFixture.Number(z["z_current_minus_reference"]), zt.Z, id + " z");
        Tolerance.PValue(ScipyFixture.Number(z["pvalue_two_sided"]), zt.PValue, id + " z p");

        var f = e["fisher_exact_two_sided"]!;
        var table = f["table"]!.AsArray();
        long a = (long)ScipyFixture.Number(table[0]![0]), b = (long)ScipyFixture.Number(table[0]![1]);
        long c = (long)ScipyFixture.Number(table[1]![0]), d = (long)ScipyFixture.Number(table[1]![1]);
        Assert.Equal(counts.CurrentCounts[^1], a);
        Assert.Equal(counts.ReferenceCounts[^1], c);
        var fe = ProportionTests.FisherExact(a, b, c, d);
        Tolerance.Statistic(ScipyFixture.Number(f["odds_ratio"]), fe.OddsRatio, id + " odds");
        Tolerance.PValue(ScipyFixture.Number(f["pvalue"]), fe.PValue, id + " fisher p");
    }
}
