using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Core.Validation.Gates;
using Keel.ML.Workflows;
using Spectre.Console;

namespace Keel.Cli.Train;

/// <summary>How <c>keel train</c> and <c>keel validate</c> print the workflows' results as tables.</summary>
internal static class TrainSummaryView
{
    /// <summary>The report as printed by <c>keel train</c> and <c>keel validate</c>: gate, check, value, bound, result.</summary>
    public static Table GateTable(GateReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        var table = CliOutput.NewTable("gate", "check", "value", "bound", "result");
        foreach (var row in report.ToTableRows())
        {
            table.AddRow(row.Cells().Select(CliOutput.Cell));
        }

        return table;
    }

    /// <summary>The summary: facts, metrics per split, then the gates.</summary>
    public static void Write(TrainSummary summary, int exitCode, CliOutput output)
    {
        var facts = CliOutput.NewTable("Field", "Value");
        void Row(string field, string value) => facts.AddRow(CliOutput.Cell(field), CliOutput.Cell(value));
        Row("run", summary.RunId);
        Row("experiment", $"{summary.Experiment} ({summary.ExperimentId})");
        Row("store", summary.Backend);
        Row("data digest", summary.DataDigest);
        var splits = summary.Splits;
        Row("splits", $"train {splits.Train}, validation {splits.Validation}, test {splits.Test} ({splits.Method}, seed {summary.Seed})");
        if (summary.ChildRunIds.Count > 0)
        {
            Row("sweep", $"{summary.ChildRunIds.Count} child runs");
        }

        if (summary.SweepBest is not null)
        {
            Row("best trial", summary.SweepBest.Describe());
        }

        Row("gates", summary.Gates.Checks.Count == 0 ? "none" : summary.Gates.TagValue);
        if (summary.Champion is { } champion)
        {
            Row("champion", champion.Version is null ? $"{champion.Reference}: none yet" : $"{champion.Reference}: version {champion.Version}, {champion.Basis}");
        }

        var registration = summary.Registration;
        Row("model", registration is null ? "not registered" : $"{registration.Name} version {registration.Version}");
        if (registration is not null && (registration.RequestedAlias ?? registration.RequestedStage) is not null)
        {
            var requested = string.Join(", ", new[] { registration.RequestedAlias is { } a ? "@" + a : null, registration.RequestedStage }.Where(s => s is not null));
            Row("alias/stage", registration.Applied ? requested : $"{requested} not applied (a gate failed)");
        }

        Row("exit code", exitCode.ToString(CultureInfo.InvariantCulture));
        output.Write(facts);

        var names = new[] { "cv_mean", "cv_std", "validation", "test" }.Where(summary.Metrics.ContainsKey).ToArray();
        var metrics = CliOutput.NewTable(["metric", .. names]);
        foreach (var name in names.SelectMany(s => summary.Metrics[s].Keys).Distinct().Order(StringComparer.Ordinal))
        {
            metrics.AddRow([CliOutput.Cell(name), .. names.Select(s => CliOutput.Cell(summary.Metrics[s].TryGetValue(name, out var v) ? TrainSummary.Number(v) : "-"))]);
        }

        output.WriteLine(string.Empty);
        output.Write(metrics);
        if (summary.Gates.Checks.Count > 0)
        {
            output.WriteLine(string.Empty);
            output.Write(GateTable(summary.Gates));
        }
    }
}
