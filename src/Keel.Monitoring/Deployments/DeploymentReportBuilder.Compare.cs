using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Statistics;

namespace Keel.Monitoring.Deployments;

// The arms' answers to the same request: joined by request id, then row by row.
public static partial class DeploymentReportBuilder
{
    private static readonly double[] QuantileLevels = [0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99];

    private static ArmComparison? Compare(List<LoggedPrediction> stable, List<LoggedPrediction> candidate)
    {
        var stableById = new Dictionary<string, PredictionLogRecord>(StringComparer.Ordinal);
        foreach (var s in stable)
        {
            stableById.TryAdd(s.Record.RequestId, s.Record);
        }

        var labels = new List<(string Stable, string Candidate)>();
        var differences = new List<double>();
        long requests = 0;
        foreach (var c in candidate)
        {
            if (!stableById.TryGetValue(c.Record.RequestId, out var s))
            {
                continue;
            }

            requests++;
            using var so = JsonDocument.Parse(s.OutputsJson);
            using var co = JsonDocument.Parse(c.Record.OutputsJson);
            if (so.RootElement.ValueKind != JsonValueKind.Array || co.RootElement.ValueKind != JsonValueKind.Array)
            {
                continue;
            }

            int n = Math.Min(so.RootElement.GetArrayLength(), co.RootElement.GetArrayLength());
            for (int i = 0; i < n; i++)
            {
                var a = so.RootElement[i];
                var b = co.RootElement[i];
                if (a.ValueKind == JsonValueKind.Number && b.ValueKind == JsonValueKind.Number)
                {
                    differences.Add(b.GetDouble() - a.GetDouble());
                }
                else if (Label(a) is { } la && Label(b) is { } lb)
                {
                    labels.Add((la, lb));
                }
            }
        }

        if (requests == 0 || (labels.Count == 0 && differences.Count == 0))
        {
            return null;
        }

        return labels.Count >= differences.Count
            ? new ArmComparison { Kind = "classification", PairedRequests = requests, PairedRows = labels.Count, Agreement = AgreementOf(labels), Confusion = ConfusionOf(labels) }
            : new ArmComparison { Kind = "regression", PairedRequests = requests, PairedRows = differences.Count, Differences = DifferencesOf(differences) };
    }

    private static string? Label(JsonElement output) =>
        output.ValueKind == JsonValueKind.Object && output.TryGetProperty("predicted_label", out var l) ? FeedbackRows.Text(l) : null;

    private static Agreement AgreementOf(List<(string Stable, string Candidate)> pairs)
    {
        long agree = pairs.LongCount(p => string.Equals(p.Stable, p.Candidate, StringComparison.Ordinal));
        var (low, high) = Wilson(agree, pairs.Count);
        return new Agreement(agree, pairs.Count, agree / (double)pairs.Count, low, high, Confidence);
    }

    private static Confusion ConfusionOf(List<(string Stable, string Candidate)> pairs)
    {
        var names = pairs.SelectMany(p => new[] { p.Stable, p.Candidate }).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var index = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i, StringComparer.Ordinal);
        var counts = names.Select(_ => new long[names.Count]).ToArray();
        foreach (var (s, c) in pairs)
        {
            counts[index[s]][index[c]]++;
        }

        return new Confusion(names, counts);
    }

    private static Differences DifferencesOf(List<double> values)
    {
        var sorted = values.Where(double.IsFinite).Order().ToArray();
        var quantiles = new SortedDictionary<string, double>(StringComparer.Ordinal);
        if (sorted.Length == 0)
        {
            return new Differences(0, double.NaN, double.NaN, double.NaN, quantiles, [], []);
        }

        foreach (var level in QuantileLevels)
        {
            quantiles[Q(level)] = PredictionStatistics.Quantile(sorted, level);
        }

        quantiles["min"] = sorted[0];
        quantiles["max"] = sorted[^1];
        var (mean, std) = Samples.MeanAndPopulationStd(sorted);
        double meanAbs = sorted.Average(Math.Abs);
        var edges = Binning.EqualWidthEdges(sorted[0], sorted[^1], HistogramBins);
        return new Differences(sorted.Length, mean, std, meanAbs, quantiles, edges, Histogram(sorted, edges));
    }
}
