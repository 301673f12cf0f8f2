using System.Globalization;
using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Data;
using Keel.Monitoring.Data;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Reports;
using Spectre.Console;

namespace Keel.Cli.Drift;

/// <summary>Loads both files, runs the comparison, prints the table and writes the reports.</summary>
internal static class DriftRunner
{
    /// <summary>Files at least this large get a progress bar on an interactive terminal.</summary>
    private const long ProgressThresholdBytes = 4 << 20;

    public static async Task<int> RunAsync(DriftRequest request, IAnsiConsole console, CancellationToken ct)
    {
        var referenceTable = (await LoadAsync(request.ReferencePath, request.Missing, console, ct).ConfigureAwait(false)).Where(request.ReferenceFilters);
        var currentTable = (await LoadAsync(request.CurrentPath, request.Missing, console, ct).ConfigureAwait(false)).Where(request.CurrentFilters);
        if (referenceTable.RowCount == 0 || currentTable.RowCount == 0)
        {
            throw KeelException.InvalidParameter($"No rows left in the {(referenceTable.RowCount == 0 ? "reference" : "current")} data after filtering.");
        }

        var skipped = referenceTable.Columns.Concat(currentTable.Columns)
            .Where(c => c.Kind == ColumnKind.DateTime && !request.Options.Columns.Contains(c.Name))
            .Select(c => c.Name).Distinct(StringComparer.Ordinal).ToList();
        var wanted = request.Options.Columns.Count > 0 ? new HashSet<string>(request.Options.Columns, StringComparer.Ordinal) : null;
        foreach (var name in request.Options.Columns)
        {
            var col = referenceTable[name] ?? currentTable[name];
            if (col is null)
            {
                throw KeelException.InvalidParameter($"Column '{name}' is in neither file.");
            }

            if (col.Kind == ColumnKind.DateTime)
            {
                throw KeelException.InvalidParameter($"Column '{name}' holds dates; use it in --reference-filter/--current-filter instead.");
            }
        }

        foreach (var name in request.Options.Overrides.Keys)
        {
            if (referenceTable[name] is null && currentTable[name] is null)
            {
                throw KeelException.InvalidParameter($"--test names column '{name}', which is in neither file.");
            }
        }

        var refColumns = ToDrift(referenceTable, wanted);
        var curColumns = ToDrift(currentTable, wanted);
        var report = DriftAnalyzer.Compare(refColumns, curColumns, request.Options);

        Print(console, report, skipped);
        if (request.JsonPath is { } jsonPath)
        {
            await File.WriteAllTextAsync(jsonPath, DriftJsonReport.ToJson(report), ct).ConfigureAwait(false);
        }

        if (request.HtmlPath is { } htmlPath)
        {
            string title = $"Drift: {Path.GetFileName(request.CurrentPath)} against {Path.GetFileName(request.ReferencePath)}";
            await File.WriteAllTextAsync(htmlPath, DriftHtmlReport.Render(report, title), ct).ConfigureAwait(false);
        }

        return report.DatasetDrift ? DriftCommand.DriftDetected : DriftCommand.NoDrift;
    }

    private static List<DataColumn> ToDrift(DataTable table, HashSet<string>? wanted) =>
        table.Columns.Where(c => wanted is null || wanted.Contains(c.Name)).Select(c => c.ToDriftColumn()).OfType<DataColumn>().ToList();

    /// <summary>A file as drift reads it (Keel's one table reader), with a progress bar for big files on a terminal.</summary>
    internal static async Task<DataTable> LoadAsync(string path, MissingValues missing, IAnsiConsole console, CancellationToken ct)
    {
        var options = new TableReadOptions { Missing = missing };
        bool big = File.Exists(path) && new FileInfo(path).Length >= ProgressThresholdBytes;
        if (!big || Console.IsOutputRedirected)
        {
            return await TableReader.ReadAsync(path, options, null, ct).ConfigureAwait(false);
        }

        DataTable? table = null;
        await console.Progress().AutoClear(true).StartAsync(async ctx =>
        {
            var task = ctx.AddTask($"Reading {Path.GetFileName(path)}", maxValue: 1.0);
            var progress = new Progress<double>(f => task.Value = f);
            table = await TableReader.ReadAsync(path, options, progress, ct).ConfigureAwait(false);
            task.Value = 1.0;
        }).ConfigureAwait(false);
        return table!;
    }

    private static void Print(IAnsiConsole console, DriftReport report, List<string> skipped)
    {
        var table = new Spectre.Console.Table().AddColumns("column", "test", "statistic", "p-value / distance", "threshold", "drifted", "missing ref/cur");
        foreach (var c in report.Columns)
        {
            string value = c.MethodKind == DriftMethodKind.PValue ? N(c.AdjustedPValue ?? c.PValue) : N(c.Statistic);
            string verdict = c.Status switch
            {
                ColumnStatus.Tested => c.Drifted ? "[red]yes[/]" : "no",
                ColumnStatus.Constant => "no (constant)",
                ColumnStatus.NotApplicable => "n/a",
                ColumnStatus.MissingInReference => "n/a (absent from reference)",
                ColumnStatus.MissingInCurrent => "n/a (absent from current)",
                _ => "n/a (no values)",
            };
            string missing = $"{c.Reference?.Missing.ToString(CultureInfo.InvariantCulture) ?? "-"}/{c.Current?.Missing.ToString(CultureInfo.InvariantCulture) ?? "-"}";
            table.AddRow(Markup.Escape(c.Column), Markup.Escape(c.Test ?? "-"), N(c.Statistic), value, N(c.Threshold), verdict, missing);
        }

        console.Write(table);
        foreach (var c in report.Columns.Where(c => c.Status == ColumnStatus.NotApplicable))
        {
            console.MarkupLine($"[grey]{Markup.Escape(c.Column)}: not applicable: {Markup.Escape(c.Reason ?? "")}[/]");
        }

        foreach (var name in skipped)
        {
            console.MarkupLine($"[grey]{Markup.Escape(name)}: date/time column skipped (use it in --reference-filter/--current-filter)[/]");
        }

        string verdictText = report.DatasetDrift ? "[red]Dataset drift detected[/]" : "[green]No dataset drift[/]";
        console.MarkupLine($"{verdictText}: {report.DriftedColumns} of {report.ComparedColumns} columns drifted " +
            $"({(report.DriftedShare * 100).ToString("0.#", CultureInfo.InvariantCulture)}%, threshold {(report.DriftShareThreshold * 100).ToString("0.#", CultureInfo.InvariantCulture)}%; " +
            $"correction: {report.Correction}; reference rows {report.ReferenceRows}, current rows {report.CurrentRows}).");
    }

    private static string N(double? v) => v is null ? "-" : v.Value.ToString("G4", CultureInfo.InvariantCulture);
}
