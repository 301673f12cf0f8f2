using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Tracking;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Keel.Cli.Runs;

/// <summary>
/// <c>keel runs compare RUN_ID RUN_ID...</c>: params and latest metrics side by side. Rows whose
/// values differ are marked with <c>*</c> (and highlighted on a colour terminal).
/// </summary>
internal static class RunsCompareCommand
{
    private const string DiffMarker = "*";

    public static Command Create(GlobalOptions globals)
    {
        var ids = new Argument<string[]>("run-id") { Description = "Two or more runs to compare.", Arity = ArgumentArity.OneOrMore };
        var onlyDiff = new Option<bool>("--only-diff") { Description = "Show only params and metrics whose values differ." };
        ids.Validators.Add(result =>
        {
            if (result.Tokens.Count < 2)
            {
                result.AddError("Compare needs at least two run ids.");
            }
        });
        var command = new Command("compare", "Compare the params and metrics of several runs side by side.") { ids, onlyDiff };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var runs = new List<Run>();
            foreach (var runId in ctx.Parse.GetValue(ids)!.Distinct(StringComparer.Ordinal))
            {
                runs.Add(await ctx.Store.Tracking.GetRunAsync(runId, ct).ConfigureAwait(false));
            }

            ctx.Output.WriteResult(RunComparison.Create(runs, ctx.Parse.GetValue(onlyDiff)), c => Render(ctx.Output, c));
        });
        return command;
    }

    private static void Render(CliOutput output, RunComparison comparison)
    {
        var columns = new List<string> { string.Empty, "Key" };
        columns.AddRange(comparison.Runs.Select(r => string.IsNullOrEmpty(r.RunName) ? r.RunId : $"{r.RunName} ({r.RunId})"));

        output.WriteLine("Params");
        output.Write(Table(columns, comparison.Params.Select(p => (p.Key, comparison.Runs.Select(r => p.Values[r.RunId]), p.Differs))));
        output.WriteLine(string.Empty);
        output.WriteLine("Metrics");
        output.Write(Table(columns, comparison.Metrics.Select(m => (m.Key, comparison.Runs.Select(r => m.Values[r.RunId] is { } v ? Formats.Number(v) : null), m.Differs))));
    }

    private static Table Table(List<string> columns, IEnumerable<(string Key, IEnumerable<string?> Values, bool Differs)> rows)
    {
        var table = CliOutput.NewTable([.. columns]);
        foreach (var (key, values, differs) in rows)
        {
            var cells = new List<IRenderable> { CliOutput.Cell(differs ? DiffMarker : string.Empty), differs ? CliOutput.Highlight(key) : CliOutput.Cell(key) };
            cells.AddRange(values.Select(v => differs ? CliOutput.Highlight(v ?? "-") : CliOutput.Cell(v ?? "-")));
            table.AddRow(cells);
        }

        return table;
    }
}
