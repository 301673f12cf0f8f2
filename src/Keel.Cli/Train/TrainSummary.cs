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

        var splits = new[] { "validation", "test" }.Where(Metrics.ContainsKey).ToArray();
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

    private static string Number(double value) => double.IsNaN(value) ? "undefined" : value.ToString("0.####", CultureInfo.InvariantCulture);
}
