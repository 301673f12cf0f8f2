using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Tracking;
using Spectre.Console;

namespace Keel.Cli.Experiments;

/// <summary><c>keel experiments list</c>: every experiment matching the view and filter, all pages.</summary>
internal static class ExperimentsListCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var view = new Option<string>("--view") { Description = "Which experiments: active, deleted or all.", DefaultValueFactory = _ => "active" };
        view.AcceptOnlyFromAmong("active", "deleted", "all");
        var filter = new Option<string?>("--filter") { Description = "MLflow search filter, e.g. \"name LIKE 'churn%'\"." };
        var max = new Option<int?>("--max-results") { Description = "Stop after this many experiments." };
        var command = new Command("list", "List experiments.") { view, filter, max };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var query = new ExperimentSearchQuery(Formats.ParseView(ctx.Parse.GetValue(view)), Filter: ctx.Parse.GetValue(filter));
            var experiments = await ctx.Store.Tracking.SearchAllExperimentsAsync(query, ct).Take(ctx.Parse.GetValue(max) ?? int.MaxValue).ToListAsync(ct).ConfigureAwait(false);
            ctx.Output.WriteResult(experiments, list =>
            {
                var table = CliOutput.NewTable("ID", "Name", "Stage", "Created (UTC)", "Artifact location");
                foreach (var e in list)
                {
                    table.AddRow(CliOutput.Cell(e.ExperimentId), CliOutput.Cell(e.Name), CliOutput.Cell(e.LifecycleStage), CliOutput.Cell(Formats.Time(e.CreationTime)), CliOutput.Cell(e.ArtifactLocation));
                }

                ctx.Output.Write(table);
            });
        });
        return command;
    }
}
