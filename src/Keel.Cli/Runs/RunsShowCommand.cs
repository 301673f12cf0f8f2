using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Tracking;
using Spectre.Console;

namespace Keel.Cli.Runs;

/// <summary><c>keel runs show RUN_ID</c>: a run's info, params, latest metrics, tags and inputs.</summary>
internal static class RunsShowCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var id = new Argument<string>("run-id") { Description = "The run to show." };
        var command = new Command("show", "Show a run: info, params, metrics, tags and dataset inputs.") { id };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var run = await ctx.Store.Tracking.GetRunAsync(ctx.Parse.GetValue(id)!, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(run, r => Render(ctx.Output, r));
        });
        return command;
    }

    private static void Render(CliOutput output, Run run)
    {
        var info = run.Info;
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string label, string? value) => grid.AddRow(new Text(label, new Style(decoration: Decoration.Bold)), new Text(value ?? string.Empty));
        Row("Run ID", info.RunId);
        Row("Name", info.RunName);
        Row("Experiment", info.ExperimentId);
        Row("Status", Formats.Status(info.Status));
        Row("User", info.UserId);
        Row("Started (UTC)", Formats.Time(info.StartTime));
        Row("Ended (UTC)", Formats.Time(info.EndTime));
        Row("Duration", Formats.Duration(info.StartTime, info.EndTime));
        Row("Lifecycle", info.LifecycleStage);
        Row("Artifact URI", info.ArtifactUri);
        output.Write(grid);

        Section(output, "Params", ["Key", "Value"], run.Data.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new[] { p.Key, p.Value }));
        Section(output, "Metrics", ["Key", "Value", "Step", "Timestamp (UTC)"], run.Data.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal)
            .Select(m => new[] { m.Key, Formats.Number(m.Value), m.Step.ToString(System.Globalization.CultureInfo.InvariantCulture), Formats.Time(m.Timestamp) }));
        Section(output, "Tags", ["Key", "Value"], run.Data.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new[] { t.Key, t.Value }));
        Section(output, "Inputs", ["Dataset", "Digest", "Source type", "Context"], run.Inputs.DatasetInputs.Select(d => new[]
        {
            d.Dataset.Name, d.Dataset.Digest, d.Dataset.SourceType,
            d.Tags.FirstOrDefault(t => t.Key == MlflowTags.DatasetContext)?.Value ?? string.Empty,
        }));
    }

    private static void Section(CliOutput output, string title, string[] columns, IEnumerable<string[]> rows)
    {
        var list = rows.ToList();
        if (list.Count == 0)
        {
            return;
        }

        output.WriteLine(string.Empty);
        output.WriteLine(title);
        var table = CliOutput.NewTable(columns);
        foreach (var row in list)
        {
            table.AddRow(row.Select(CliOutput.Cell));
        }

        output.Write(table);
    }
}
