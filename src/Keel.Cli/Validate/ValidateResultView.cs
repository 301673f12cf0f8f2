using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Cli.Train;
using Keel.ML.Workflows;
using Spectre.Console;

namespace Keel.Cli.Validate;

/// <summary>How <c>keel validate</c> prints a <see cref="ValidateResult"/>: facts, metrics, then the gates.</summary>
internal static class ValidateResultView
{
    public static void Write(ValidateResult result, CliOutput output)
    {
        var facts = CliOutput.NewTable("Field", "Value");
        void Row(string field, string value) => facts.AddRow(CliOutput.Cell(field), CliOutput.Cell(value));
        var data = result.Data;
        Row("model", $"{result.Name} version {result.Version} ({result.ModelUri})");
        Row("data", $"{data.Path} ({data.Rows.ToString(CultureInfo.InvariantCulture)} rows)");
        Row("data digest", data.Digest);
        if (data.ScoredRows is { } scored)
        {
            Row("scored", $"{scored.ToString(CultureInfo.InvariantCulture)} rows ({data.UnscoredRows.GetValueOrDefault().ToString(CultureInfo.InvariantCulture)} without a known target left out)");
        }

        Row("result", result.Report.TagValue);
        Row("report", result.ReportUri ?? "not recorded");
        output.Write(facts);

        if (result.Metrics is { Count: > 0 })
        {
            var metrics = CliOutput.NewTable("metric", "value");
            foreach (var (name, value) in result.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal))
            {
                metrics.AddRow(CliOutput.Cell(name), CliOutput.Cell(TrainSummary.Number(value)));
            }

            output.WriteLine(string.Empty);
            output.Write(metrics);
        }

        output.WriteLine(string.Empty);
        output.Write(TrainSummaryView.GateTable(result.Report));
    }
}
