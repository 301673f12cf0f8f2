using System.Text.Json.Nodes;
using Keel.Core.Data;
using Keel.Core.Deployments;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Deployments;

// prediction_shift: the candidate's predictions against the stable version's, in the same window.
// Scores (regression values, classifiers' probabilities) are compared with PSI or KS; labels with
// the chi-square homogeneity test (psi on a classifier without probabilities: PSI of the label shares).
public sealed partial class DeploymentAnalysis
{
    private const string PredictionColumn = "prediction";

    private static (GateResult, JsonObject) PredictionShift(DistributionGate gate, Window w)
    {
        string method = gate.Method ?? "psi";
        bool classifier = w.Stable.Predictions.Any(p => p.Label is not null) || w.Candidate.Predictions.Any(p => p.Label is not null);
        var stableScores = Scores(w.Stable);
        var candidateScores = Scores(w.Candidate);
        bool scored = stableScores.Length > 0 && candidateScores.Length > 0;
        if (classifier && (method == "chi_square" || !scored))
        {
            return LabelShift(gate, method, w);
        }

        if (!scored)
        {
            return Inconclusive("prediction_shift", "prediction_shift: an arm has no prediction in the window.");
        }

        string what = classifier ? "probabilities" : "predictions";
        if (method == "chi_square")
        {
            return BinnedChiSquare(gate, stableScores, candidateScores);
        }

        var result = CompareColumns(
            DataColumn.Numeric(PredictionColumn, stableScores), DataColumn.Numeric(PredictionColumn, candidateScores), method, Threshold(gate));
        return ShiftResult(result, method, gate, what, stableScores.Length, candidateScores.Length);
    }

    private static (GateResult, JsonObject) LabelShift(DistributionGate gate, string method, Window w)
    {
        var stable = Labels(w.Stable);
        var candidate = Labels(w.Candidate);
        if (stable.Length == 0 || candidate.Length == 0)
        {
            return Inconclusive("prediction_shift", "prediction_shift: an arm has no predicted label in the window.");
        }

        // ks needs scores; without probabilities a label test at the same alpha is the sound choice.
        string test = method == "psi" ? "psi" : "chisquare";
        var result = CompareColumns(DataColumn.Labels(PredictionColumn, stable), DataColumn.Labels(PredictionColumn, candidate), test, Threshold(gate));
        var (gateResult, numbers) = ShiftResult(result, test == "psi" ? "psi" : "chi_square", gate, "predicted labels", stable.Length, candidate.Length);
        var counts = CategoryCounts.From(stable, candidate);
        var shares = new JsonObject();
        for (int i = 0; i < counts.Categories.Length; i++)
        {
            shares[counts.Categories[i]] = new JsonObject { ["stable"] = counts.ReferenceCounts[i], ["candidate"] = counts.CurrentCounts[i] };
        }

        numbers["label_counts"] = shares;
        return (gateResult, numbers);
    }

    /// <summary>Chi-square homogeneity over the 10 equal-width bins of the stable scores (outer bins open-ended); empty bins are left out.</summary>
    private static (GateResult, JsonObject) BinnedChiSquare(DistributionGate gate, double[] stable, double[] candidate)
    {
        var bins = Binning.Count(stable, candidate, BinningMode.OpenEnded);
        var rs = new List<long>();
        var cs = new List<long>();
        for (int i = 0; i < bins.ReferenceCounts.Length; i++)
        {
            if (bins.ReferenceCounts[i] + bins.CurrentCounts[i] > 0)
            {
                rs.Add(bins.ReferenceCounts[i]);
                cs.Add(bins.CurrentCounts[i]);
            }
        }

        var r = ChiSquare.Homogeneity(rs.ToArray(), cs.ToArray());
        double alpha = gate.Alpha ?? DriftMethods.DefaultAlpha;
        double minEffect = MinEffect(gate);
        double effect = CramersV(r.Statistic, stable.Length + candidate.Length);
        bool significant = r.PValue < alpha;
        bool failed = significant && effect >= minEffect;
        string summary = $"prediction_shift {(failed ? "failed" : "passed")}: chi-square over binned predictions (stable {stable.Length}, candidate {candidate.Length}) gives χ² = {S(r.Statistic)} with {r.Dof} dof, "
            + $"p = {S(r.PValue)} {(significant ? "<" : ">=")} alpha {S(alpha)}, Cramér's V = {S(effect)} {(effect >= minEffect ? ">=" : "<")} the {S(minEffect)} that fails.";
        return Judged("prediction_shift", failed, summary, new JsonObject
        {
            ["method"] = "chi_square",
            ["on"] = "binned predictions",
            ["statistic"] = Num(r.Statistic),
            ["dof"] = r.Dof,
            ["p_value"] = Num(r.PValue),
            ["alpha"] = Num(alpha),
            ["effect"] = Num(effect),
            ["min_effect"] = Num(minEffect),
            ["stable_count"] = stable.Length,
            ["candidate_count"] = candidate.Length,
        });
    }

    private static (GateResult, JsonObject) ShiftResult(ColumnDriftResult r, string method, DistributionGate gate, string what, int stableCount, int candidateCount)
    {
        var numbers = new JsonObject
        {
            ["method"] = method,
            ["on"] = what,
            ["stable_count"] = stableCount,
            ["candidate_count"] = candidateCount,
            ["statistic"] = r.Statistic is { } st ? Num(st) : null,
            ["p_value"] = r.PValue is { } p ? Num(p) : null,
            ["threshold"] = Num(Threshold(gate)),
            ["status"] = r.Status.ToString(),
        };
        if (r.Status == ColumnStatus.Constant)
        {
            return Judged("prediction_shift", false, $"prediction_shift passed: both arms gave one and the same value ({stableCount} stable, {candidateCount} candidate {what}).", numbers);
        }

        if (r.Status != ColumnStatus.Tested)
        {
            return Inconclusive("prediction_shift", $"prediction_shift: {method} could not compare the {what}: {r.Reason}.", numbers);
        }

        string measured;
        bool failed = r.Drifted;
        if (r.MethodKind == DriftMethodKind.PValue)
        {
            double effect = EffectSize(r);
            double minEffect = MinEffect(gate);
            failed = r.Drifted && effect >= minEffect;
            numbers["effect"] = Num(effect);
            numbers["min_effect"] = Num(minEffect);
            string effectName = r.Test == "ks" ? "D" : "Cramér's V";
            measured = $"{method} statistic {S(r.Statistic ?? double.NaN)}, p = {S(r.PValue ?? double.NaN)} {(r.Drifted ? "<" : ">=")} alpha {S(Threshold(gate))}, "
                + $"{effectName} = {S(effect)} {(effect >= minEffect ? ">=" : "<")} the {S(minEffect)} that fails";
        }
        else
        {
            measured = $"PSI = {S(r.Statistic ?? double.NaN)} {(r.Drifted ? ">" : "<=")} the {S(Threshold(gate))} allowed";
        }

        string summary = $"prediction_shift {(failed ? "failed" : "passed")}: the candidate's {what} ({candidateCount}) against the stable version's ({stableCount}): {measured}.";
        return Judged("prediction_shift", failed, summary, numbers);
    }

    /// <summary>The smallest effect a ks or chi_square gate fails on (stored specs from before the setting get the default).</summary>
    private static double MinEffect(DistributionGate gate) => gate.MinEffect ?? DeploymentSpecValidator.DefaultMinEffect;

    /// <summary>Cramér's V of a two-sample (2 × k) chi-square: √(χ² / N), N the values of both sides.</summary>
    internal static double CramersV(double chiSquare, long n) => n > 0 && double.IsFinite(chiSquare) ? Math.Sqrt(Math.Max(0, chiSquare) / n) : 0;

    /// <summary>The effect size of a p-value method's result: KS's D, or Cramér's V for chi-square (the gates' <c>min_effect</c>).</summary>
    internal static double EffectSize(ColumnDriftResult r)
    {
        double statistic = r.Statistic ?? double.NaN;
        if (r.Test == "ks")
        {
            return double.IsFinite(statistic) ? statistic : 0;
        }

        long n = (r.Reference?.Count ?? 0) + (r.Current?.Count ?? 0);
        return CramersV(statistic, n);
    }

    /// <summary>One column of each side compared by a named drift method (Keel's exact implementations).</summary>
    internal static ColumnDriftResult CompareColumns(DataColumn reference, DataColumn current, string test, double threshold)
    {
        var options = new DriftOptions { Overrides = { [reference.Name] = new ColumnTestOverride(test, threshold) }, ReportBins = 10 };
        return DriftAnalyzer.Compare([reference], [current], options).Columns[0];
    }

    private static double Threshold(DistributionGate gate) =>
        (gate.Method ?? "psi") == "psi" ? gate.Max ?? DriftMethods.DefaultDistanceThreshold : gate.Alpha ?? DriftMethods.DefaultAlpha;

    private static double[] Scores(ArmWindowSnapshot window)
    {
        var values = new List<double>(window.Predictions.Count);
        foreach (var p in window.Predictions)
        {
            if (double.IsFinite(p.Score))
            {
                values.Add(p.Score);
            }
        }

        return values.ToArray();
    }

    private static string?[] Labels(ArmWindowSnapshot window)
    {
        var values = new List<string?>(window.Predictions.Count);
        foreach (var p in window.Predictions)
        {
            if (p.Label is not null)
            {
                values.Add(p.Label);
            }
        }

        return values.ToArray();
    }
}
