using System.Text.Json.Nodes;
using Keel.Core.Deployments;
using Keel.Core.Predictions;

namespace Keel.Monitoring.Deployments;

// feedback: the model metric per arm on the window's requests whose labels arrived (the prediction
// log joins feedback by request id), with a one-sided significance test (FeedbackSignificance).
public sealed partial class DeploymentAnalysis
{
    private async Task<(GateResult, JsonObject)> FeedbackAsync(FeedbackGate gate, Window w, CancellationToken cancellationToken)
    {
        const string name = "feedback";
        string metric = gate.Metric ?? "accuracy";
        long minCount = gate.MinCount ?? DeploymentSpecValidator.DefaultFeedbackMinCount;
        double alpha = gate.Alpha ?? 0.05, maxDrop = gate.MaxDrop ?? 0;
        var stable = await ReadFeedbackAsync(w, DeploymentArms.Stable, w.Deployment.StableVersion, cancellationToken).ConfigureAwait(false);
        var candidate = await ReadFeedbackAsync(w, w.Arm, w.Deployment.CandidateVersion, cancellationToken).ConfigureAwait(false);
        var numbers = new JsonObject
        {
            ["metric"] = metric,
            ["stable_labelled"] = stable.Count,
            ["candidate_labelled"] = candidate.Count,
            ["min_count"] = minCount,
            ["alpha"] = Num(alpha),
            ["max_drop"] = Num(maxDrop),
        };
        if (stable.Count < minCount || candidate.Count < minCount)
        {
            return Inconclusive(name, $"feedback: not enough labelled rows yet: the candidate has {candidate.Count} and the stable version {stable.Count}; each arm needs {minCount}.", numbers);
        }

        if (stable.IsClassifier != candidate.IsClassifier || (stable.IsClassifier != (metric is not ("rmse" or "mae"))))
        {
            return Inconclusive(name, $"feedback: {metric} does not fit the arms' predictions ({(stable.IsClassifier ? "labels" : "numbers")}).", numbers);
        }

        var (codes, positive) = Encode(stable, candidate);
        var s = new FeedbackMetric(stable, codes, positive);
        var c = new FeedbackMetric(candidate, codes, positive);
        double ms = s.Compute(metric), mc = c.Compute(metric);
        numbers["stable_value"] = Num(ms);
        numbers["candidate_value"] = Num(mc);
        if (double.IsNaN(ms) || double.IsNaN(mc))
        {
            return Inconclusive(name, $"feedback: {metric} is undefined on these rows (auc needs a binary classifier with probabilities and both classes among the labels).", numbers);
        }

        var test = metric switch
        {
            "accuracy" => FeedbackSignificance.Accuracy(s.Correct(), s.Count, c.Correct(), c.Count, maxDrop),
            "mae" => FeedbackSignificance.Welch(s.AbsoluteErrors(), c.AbsoluteErrors(), maxDrop),
            _ => FeedbackSignificance.Bootstrap(s, c, metric, maxDrop),
        };
        double worse = FeedbackMetric.HigherIsBetter(metric) ? ms - mc : mc - ms;
        bool failed = test.PValue < alpha;
        numbers["worse_by"] = Num(worse);
        numbers["test"] = test.Test;
        numbers["statistic"] = Num(test.Statistic);
        numbers["p_value"] = Num(test.PValue);
        if (test.DegreesOfFreedom is { } df)
        {
            numbers["dof"] = Num(df);
        }

        string stat = double.IsNaN(test.Statistic) ? string.Empty : $"statistic {S(test.Statistic)}, ";
        string summary = $"feedback {(failed ? "failed" : "passed")}: {metric} is {S(mc)} on the candidate's {c.Count} labelled rows against {S(ms)} on the stable version's {s.Count}; "
            + $"the {test.Test} that the candidate is worse by more than {S(maxDrop)} gives {stat}p = {S(test.PValue)} {(failed ? "<" : ">=")} alpha {S(alpha)}.";
        return Judged(name, failed, summary, numbers);
    }

    private Task<FeedbackRows> ReadFeedbackAsync(Window w, string arm, string? version, CancellationToken cancellationToken) =>
        FeedbackRows.ReadAsync(
            _predictions,
            new PredictionQuery(string.Empty, FromMs: w.StartMs, ToMs: w.EndMs + 1, MaxResults: PredictionQuery.MaxPageSize) { Deployment = w.Deployment.Name, Arm = arm },
            version,
            cancellationToken);

    /// <summary>Class codes over both arms (ordinal order) and the positive class of a binary classifier: the predicted label of a row whose probability is at least 0.5 (the logged probability is the positive class's).</summary>
    internal static (Dictionary<string, int> Codes, string? Positive) Encode(FeedbackRows stable, FeedbackRows candidate)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var (p, _, l) in stable.Classes.Concat(candidate.Classes))
        {
            names.Add(p);
            names.Add(l);
        }

        var codes = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var n in names)
        {
            codes[n] = codes.Count;
        }

        string? positive = null;
        if (codes.Count == 2)
        {
            foreach (var (p, prob, _) in stable.Classes.Concat(candidate.Classes))
            {
                if (double.IsFinite(prob))
                {
                    positive = prob >= 0.5 ? p : names.First(x => x != p);
                    break;
                }
            }
        }

        return (codes, positive);
    }
}
