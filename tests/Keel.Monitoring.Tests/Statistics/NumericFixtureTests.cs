using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Tests.Statistics;

/// <summary>Every numeric case of the scipy fixture, every figure, within the header's tolerances.</summary>
public class NumericFixtureTests
{
    public static TheoryData<string> NumericCases() => [.. ScipyFixture.Ids("numeric")];

    private static (double[] Ref, double[] Cur, System.Text.Json.Nodes.JsonObject Expected) Load(string id)
    {
        var c = ScipyFixture.Case(id);
        return (ScipyFixture.Numbers(c["reference"]), ScipyFixture.Numbers(c["current"]), c["expected"]!.AsObject());
    }

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void KolmogorovSmirnov_matches_scipy_for_auto_exact_and_asymptotic(string id)
    {
        var (r, c, e) = Load(id);
        foreach (var (name, method) in new[] { ("auto", KsMethod.Auto), ("exact", KsMethod.Exact), ("asymp", KsMethod.Asymptotic) })
        {
            var node = e["ks_2samp"]![name];
            if (node is null)
            {
                continue;
            }

            var ks = KolmogorovSmirnov.TwoSample(r, c, method);
            Tolerance.Statistic(ScipyFixture.Number(node["statistic"]), ks.Statistic, $"{id} ks {name} statistic");
            string used = (string)node["method_used"]!;
            Assert.Equal(used == "exact" ? KsMethod.Exact : KsMethod.Asymptotic, ks.MethodUsed);
            double expectedP = ScipyFixture.Number(node["pvalue"]);
            Tolerance.PValue(expectedP, ks.PValue, used == "exact", $"{id} ks {name} p");

            Assert.Equal(ScipyFixture.Number(node["statistic_location"]), ks.Location);
            Assert.Equal((int)ScipyFixture.Number(node["statistic_sign"]), ks.Sign);
        }
    }

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void Wasserstein_and_energy_match_scipy(string id)
    {
        var (r, c, e) = Load(id);
        Tolerance.Statistic(ScipyFixture.Number(e["wasserstein_distance"]), CdfDistances.Wasserstein(r, c), $"{id} wasserstein");
        Tolerance.Statistic(ScipyFixture.Number(e["wasserstein_normalized_by_range"]), CdfDistances.Wasserstein(r, c, WassersteinNormalization.Range), $"{id} wasserstein/range");
        Tolerance.Statistic(ScipyFixture.Number(e["peer_values"]!["evidently_wasserstein_norm_by_ref_std"]), CdfDistances.Wasserstein(r, c, WassersteinNormalization.ReferenceStd), $"{id} wasserstein/std");
        Tolerance.Statistic(ScipyFixture.Number(e["energy_distance"]), CdfDistances.Energy(r, c), $"{id} energy");
    }

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void CramerVonMises_matches_scipy(string id)
    {
        var (r, c, e) = Load(id);
        var node = e["cramervonmises_2samp"]!;
        var cvm = CramerVonMises.TwoSample(r, c);
        Tolerance.Statistic(ScipyFixture.Number(node["statistic"]), cvm.Statistic, $"{id} cvm statistic");
        bool exact = (string)node["method_used"]! == "exact";
        Assert.Equal(exact, cvm.Exact);
        Tolerance.PValue(ScipyFixture.Number(node["pvalue"]), cvm.PValue, exact, $"{id} cvm p");
    }

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void AndersonDarling_matches_scipy_or_reports_the_same_error(string id)
    {
        var (r, c, e) = Load(id);
        var node = e["anderson_ksamp"]!;
        if (node["error"] is not null)
        {
            var ex = Assert.Throws<ArgumentException>(() => AndersonDarling.TwoSample(r, c));
            Assert.Contains(((string)node["error"]!).Split(": ", 2)[1], ex.Message, StringComparison.Ordinal);
            return;
        }

        var ad = AndersonDarling.TwoSample(r, c);
        Tolerance.Statistic(ScipyFixture.Number(node["statistic"]), ad.Statistic, $"{id} ad statistic");
        Tolerance.Check(ScipyFixture.Number(node["significance_level"]), ad.SignificanceLevel, 0, 1e-6, $"{id} ad significance");
        var crit = ScipyFixture.Numbers(node["critical_values"]);
        for (int i = 0; i < crit.Length; i++)
        {
            Tolerance.Statistic(crit[i], ad.CriticalValues[i], $"{id} ad critical {i}");
        }

        string? cap = (string?)node["cap"];
        Assert.Equal(cap switch { "capped_at_0.25" => 1, "floored_at_0.001" => -1, _ => 0 }, ad.Capped);
    }

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void MannWhitney_matches_scipy(string id)
    {
        var (r, c, e) = Load(id);
        var node = e["mannwhitneyu"]!;
        var mw = MannWhitney.Test(r, c);
        Tolerance.Statistic(ScipyFixture.Number(node["statistic_U_of_reference"]), mw.U, $"{id} mwu U");
        bool exact = (string)node["method_used"]! == "exact";
        Assert.Equal(exact, mw.Exact);
        Tolerance.PValue(ScipyFixture.Number(node["pvalue"]), mw.PValue, exact, $"{id} mwu p");
    }

    [Theory]
    [MemberData(nameof(NumericCases))]
    public void Binning_psi_js_hellinger_match_the_fixture(string id)
    {
        var (r, c, e) = Load(id);
        var bin = e["binning"]!;
        var counts = Binning.Count(r, c, BinningMode.ReferenceRange);
        var edges = ScipyFixture.Numbers(bin["edges"]);
        for (int i = 0; i < edges.Length; i++)
        {
            Tolerance.Statistic(edges[i], counts.Edges[i], $"{id} edge {i}");
        }

        Assert.Equal(ScipyFixture.Longs(bin["ref_counts"]), counts.ReferenceCounts);
        Assert.Equal(ScipyFixture.Longs(bin["cur_counts"]), counts.CurrentCounts);
        Assert.Equal((long)ScipyFixture.Number(bin["cur_out_of_range"]), counts.CurrentOutside);

        var pr = Divergences.Proportions(counts.ReferenceCounts);
        var pc = Divergences.Proportions(counts.CurrentCounts);
        Tolerance.Statistic(ScipyFixture.Number(e["psi_spec"]), Divergences.Psi(pr, pc, epsilon: 0), $"{id} psi_spec");
        Tolerance.Statistic(ScipyFixture.Number(e["psi_eps_1e-4"]), Divergences.Psi(pr, pc, 1e-4), $"{id} psi_eps");
        Tolerance.Statistic(ScipyFixture.Number(e["jensenshannon_base2"]), Divergences.JensenShannon(pr, pc), $"{id} js");
        Tolerance.Statistic(ScipyFixture.Number(e["hellinger"]), Divergences.Hellinger(pr, pc), $"{id} hellinger");

        double nRef = (double)ScipyFixture.Number(e["n_reference_after_dropna"]);
        double nCur = (double)ScipyFixture.Number(e["n_current_after_dropna"]);
        var prn = Divergences.Proportions(counts.ReferenceCounts, nRef);
        var pcn = Divergences.Proportions(counts.CurrentCounts, nCur);
        Tolerance.Statistic(ScipyFixture.Number(e["variants"]!["psi_spec_divide_by_n"]), Divergences.Psi(prn, pcn, 0), $"{id} psi_spec/n");
        Tolerance.Statistic(ScipyFixture.Number(e["variants"]!["psi_eps_1e-4_divide_by_n"]), Divergences.Psi(prn, pcn, 1e-4), $"{id} psi_eps/n");
    }
}
