using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Core.Validation.Gates;
using Keel.ML.Running;
using Spectre.Console;

namespace Keel.Cli.Train;

/// <summary>What <c>keel train</c> prints at the end (a table, or this record as JSON with <c>--json</c>).</summary>
internal sealed record TrainSummary(
    string RunId,
    string ExperimentId,
    string Experiment,
    string Backend,
    string DataDigest,
    int Seed,
    SplitSizes Splits,
    IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics,
    GateReport Gates,
    ChampionInfo? Champion,
    IReadOnlyList<string> ChildRunIds,
    SweepBest? SweepBest,
    IReadOnlyList<string> Artifacts,
    RegistrationResult? Registration,
    string? OutputDirectory,
    int ExitCode)
{
    public void Write(CliOutput output)
    {
        var facts = CliOutput.NewTable("Field", "Value");
        void Row(string field, string value) => facts.AddRow(CliOutput.Cell(field), CliOutput.Cell(value));
        Row("run", RunId);
        Row("experiment", $"{Experiment} ({ExperimentId})");
        Row("store", Backend);
        Row("data digest", DataDigest);
        Row("splits", $"train {Splits.Train}, validation {Splits.Validation}, test {Splits.Test} ({Splits.Method}, seed {Seed})");
        if (ChildRunIds.Count > 0)
        {
            Row("sweep", $"{ChildRunIds.Count} child runs");
        }

        if (SweepBest is not null)
        {
            Row("best trial", SweepBest.Describe());
        }

        Row("gates", Gates.Checks.Count == 0 ? "none" : Gates.TagValue);
        if (Champion is not null)
        {
            Row("champion", Champion.Version is null ? $"{Champion.Reference}: none yet" : $"{Champion.Reference}: version {Champion.Version}, {Champion.Basis}");
        }
        Row("model", Registration is null ? "not registered" : $"{Registration.Name} version {Registration.Version}");
        if (Registration is not null && (Registration.RequestedAlias ?? Registration.RequestedStage) is not null)
        {
            var requested = string.Join(", ", new[] { Registration.RequestedAlias is { } a ? "@" + a : null, Registration.RequestedStage }.Where(s => s is not null));
            Row("alias/stage", Registration.Applied ? requested : $"{requested} not applied (a gate failed)");
        }

        Row("exit code", ExitCode.ToString(CultureInfo.InvariantCulture));
        output.Write(facts);

        var splits = new[] { "cv_mean", "cv_std", "validation", "test" }.Where(Metrics.ContainsKey).ToArray();
        var metrics = CliOutput.NewTable(["metric", .. splits]);
        foreach (var name in splits.SelectMany(s => Metrics[s].Keys).Distinct().Order(StringComparer.Ordinal))
        {
            metrics.AddRow([CliOutput.Cell(name), .. splits.Select(s => CliOutput.Cell(Metrics[s].TryGetValue(name, out var v) ? Number(v) : "-"))]);
        }

        output.WriteLine(string.Empty);
        output.Write(metrics);
        if (Gates.Checks.Count > 0)
        {
            output.WriteLine(string.Empty);
            output.Write(TrainGates.Table(Gates));
        }
    }

    internal static string Number(double value) => double.IsNaN(value) ? "undefined" : value.ToString("0.####", CultureInfo.InvariantCulture);
}

/// <summary>The sweep's winning trial, as the summary shows it.</summary>
/// <param name="Trial">The trial's index (as in the child run's <c>keel.sweep.trial</c> tag).</param>
/// <param name="Metric">The validation metric that chose it.</param>
/// <param name="Value">Its value of that metric; null when the trial did not report it.</param>
/// <param name="Parameters">The trial's hyper-parameters.</param>
internal sealed record SweepBest(int Trial, string Metric, double? Value, IReadOnlyDictionary<string, double> Parameters)
{
    /// <summary>The best trial of <paramref name="result"/>'s sweep, or null without one.</summary>
    public static SweepBest? Of(TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.BestTrial is not { } best || result.Pipeline.Sweep is not { } sweep)
        {
            return null;
        }

        var trial = result.SweepTrials.First(t => t.Index == best);
        return new SweepBest(best, sweep.Metric, trial.ValidationMetrics.TryGetValue(sweep.Metric, out var v) ? v : null, trial.Parameters);
    }

    /// <summary>e.g. <c>trial 3, validation roc_auc 0.9123: learning_rate=0.1, number_of_leaves=31</c>.</summary>
    public string Describe() =>
        $"trial {Trial}, validation {Metric} {(Value is { } v ? TrainSummary.Number(v) : "-")}: "
        + string.Join(", ", Parameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value.ToString("G6", CultureInfo.InvariantCulture)}"));
}
