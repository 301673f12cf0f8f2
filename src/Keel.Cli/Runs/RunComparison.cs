using Keel.Core.Tracking;

namespace Keel.Cli.Runs;

/// <summary>One param or metric across the compared runs: the value per run id (null when the run lacks it).</summary>
public sealed record ComparedValue<T>(string Key, IReadOnlyDictionary<string, T?> Values, bool Differs);

/// <summary>A compared run, as named in the comparison's header.</summary>
public sealed record ComparedRun(string RunId, string RunName, string ExperimentId, string Status);

/// <summary>Params and latest metrics of several runs side by side (<c>keel runs compare</c>).</summary>
public sealed record RunComparison(
    IReadOnlyList<ComparedRun> Runs,
    IReadOnlyList<ComparedValue<string>> Params,
    IReadOnlyList<ComparedValue<double?>> Metrics)
{
    /// <summary>Lines up every param and metric key of <paramref name="runs"/>, sorted by key.</summary>
    /// <param name="runs">The runs, in column order.</param>
    /// <param name="onlyDifferences">Keep only keys whose values differ (a missing value differs from any value).</param>
    public static RunComparison Create(IReadOnlyList<Run> runs, bool onlyDifferences = false)
    {
        ArgumentNullException.ThrowIfNull(runs);
        var header = runs.Select(r => new ComparedRun(r.Info.RunId, r.Info.RunName, r.Info.ExperimentId, Infrastructure.Formats.Status(r.Info.Status))).ToList();
        var @params = Align(runs, r => r.Data.Params.Select(p => (p.Key, (string?)p.Value)), onlyDifferences);
        var metrics = Align(runs, r => r.Data.Metrics.Select(m => (m.Key, (double?)m.Value)), onlyDifferences);
        return new RunComparison(header, @params, metrics);
    }

    private static List<ComparedValue<T>> Align<T>(IReadOnlyList<Run> runs, Func<Run, IEnumerable<(string Key, T? Value)>> select, bool onlyDifferences)
    {
        var perRun = runs.Select(r => select(r).GroupBy(kv => kv.Key).ToDictionary(g => g.Key, g => g.Last().Value, StringComparer.Ordinal)).ToList();
        var keys = perRun.SelectMany(d => d.Keys).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal);
        var rows = new List<ComparedValue<T>>();
        foreach (var key in keys)
        {
            var values = new Dictionary<string, T?>(StringComparer.Ordinal);
            for (var i = 0; i < runs.Count; i++)
            {
                values[runs[i].Info.RunId] = perRun[i].TryGetValue(key, out var v) ? v : default;
            }

            var present = perRun.Select(d => d.TryGetValue(key, out var v) ? (true, v) : (false, default)).ToList();
            var differs = present.Distinct().Skip(1).Any();
            if (!onlyDifferences || differs)
            {
                rows.Add(new ComparedValue<T>(key, values, differs));
            }
        }

        return rows;
    }
}
