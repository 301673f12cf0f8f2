using System.Globalization;
using System.Text;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Performance.Estimation;

namespace Keel.Server.Tests.Monitoring.Estimation;

/// <summary>One replayed window: the estimate (with its standard error) and the realised metric.</summary>
internal sealed record ReplayWindow(int Index, bool Shifted, string Metric, int Rows, double Realised, double Estimated, double StandardError)
{
    public bool WithinThreeSigma => Math.Abs(Realised - Estimated) <= 3 * StandardError;
}

/// <summary>
/// Replays a <see cref="ReplayedClassifier"/>'s stream in windows and estimates each window's
/// metrics without labels (<see cref="CbpeEstimator"/>, calibrated on the labelled reference), then
/// realises them with the labels (<see cref="Metrics"/>, independent code). The stream's first
/// half makes the unshifted windows; the shifted windows come from the second half, keeping only
/// rows the model is unsure of (probability of its predicted class under a bound): a selection on
/// the inputs alone (the model's output is a function of them), so P(label | inputs) is untouched
/// — covariate shift without concept drift — yet realised accuracy falls.
/// </summary>
internal static class CbpeReplay
{
    public static readonly string[] MetricNames = ["accuracy", "roc_auc", "f1"];

    public static List<ReplayWindow> Run(ReplayedClassifier model, int windowRows, double unsureBelow)
    {
        var estimator = new CbpeEstimator();
        int n = model.StreamProbabilities.Length, half = n / 2;
        var plain = Enumerable.Range(0, half).ToArray();
        var shifted = Enumerable.Range(half, n - half).Where(i => model.StreamProbabilities[i].Max() < unsureBelow).ToArray();
        var windows = new List<ReplayWindow>();
        int index = 0;
        foreach (var (rows, isShifted) in Chunks(plain, windowRows).Select(c => (c, false)).Concat(Chunks(shifted, windowRows).Select(c => (c, true))))
        {
            var realised = Realised(model, rows);
            foreach (var metric in MetricNames)
            {
                var estimate = estimator.Estimate(new PerformanceEstimateInput(metric, model.Classes, rows.Select(i => model.StreamProbabilities[i]).ToList(), rows.Select(i => model.StreamPredicted[i]).ToList())
                {
                    ReferenceProbabilities = model.ReferenceProbabilities,
                    ReferenceLabels = model.ReferenceLabels,
                }) ?? throw new InvalidOperationException($"no {metric} estimate for window {index}");
                windows.Add(new ReplayWindow(index, isShifted, metric, rows.Length, realised[metric], estimate.Value, estimate.StandardError!.Value));
            }

            index++;
        }

        return windows;
    }

    /// <summary>A markdown table of the windows (for the test output and docs/monitoring.md).</summary>
    public static string Table(string title, IEnumerable<ReplayWindow> windows)
    {
        var sb = new StringBuilder().AppendLine(title).AppendLine().AppendLine("| window | shifted | rows | metric | realised | estimated | SE | within 3 SE |").AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var w in windows)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture, $"| {w.Index} | {(w.Shifted ? "yes" : "no")} | {w.Rows} | {w.Metric} | {w.Realised:0.000} | {w.Estimated:0.000} | {w.StandardError:0.000} | {(w.WithinThreeSigma ? "yes" : "no")} |"));
        }

        return sb.ToString();
    }

    private static IEnumerable<int[]> Chunks(int[] rows, int size)
    {
        for (int start = 0; start + size <= rows.Length; start += size)
        {
            yield return rows[start..(start + size)];
        }
    }

    private static Dictionary<string, double> Realised(ReplayedClassifier model, int[] rows)
    {
        // Classes as codes for Metrics; the positive class (the second) is code 1.
        var code = model.Classes.Select((c, i) => (c, i)).ToDictionary(x => x.c, x => (double)x.i, StringComparer.Ordinal);
        var records = rows.Select(i => new PredictionRecord(DateTimeOffset.UnixEpoch, code[model.StreamPredicted[i]], code[model.StreamLabels[i]], model.StreamProbabilities[i][1])).ToList();
        var m = Metrics.Classification(records, positiveClass: 1);
        return new Dictionary<string, double>(StringComparer.Ordinal) { ["accuracy"] = m["accuracy"], ["roc_auc"] = m["roc_auc"], ["f1"] = m["f1"] };
    }
}
