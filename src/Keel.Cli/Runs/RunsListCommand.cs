using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Tracking;
using Spectre.Console;

namespace Keel.Cli.Runs;

/// <summary><c>keel runs list</c>: runs of one or more experiments, all pages.</summary>
internal static class RunsListCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var ids = new Option<string[]>("--experiment-id", "-x") { Description = "Experiment id (repeatable)." };
        var names = new Option<string[]>("--experiment-name", "-n") { Description = "Experiment name (repeatable)." };
        var filter = new Option<string?>("--filter") { Description = "MLflow search filter, e.g. \"metrics.rmse < 1 and params.model = 'tree'\"." };
        var orderBy = new Option<string[]>("--order-by") { Description = "Order clause, e.g. \"metrics.rmse ASC\" (repeatable)." };
        var view = new Option<string>("--view") { Description = "Which runs: active, deleted or all.", DefaultValueFactory = _ => "active" };
        view.AcceptOnlyFromAmong("active", "deleted", "all");
        var max = new Option<int?>("--max-results") { Description = "Stop after this many runs." };
        var command = new Command("list", "List the runs of experiments.") { ids, names, filter, orderBy, view, max };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var experimentIds = await ResolveExperimentsAsync(ctx.Store.Tracking, ctx.Parse.GetValue(ids), ctx.Parse.GetValue(names), ct).ConfigureAwait(false);
            var query = new RunSearchQuery(experimentIds, ctx.Parse.GetValue(filter), Formats.ParseView(ctx.Parse.GetValue(view)), OrderBy: ctx.Parse.GetValue(orderBy));
            var runs = await ctx.Store.Tracking.SearchAllRunsAsync(query, ct).Take(ctx.Parse.GetValue(max) ?? int.MaxValue).ToListAsync(ct).ConfigureAwait(false);
            ctx.Output.WriteResult(runs, list => ctx.Output.Write(Table(list)));
        });
        return command;
    }

    private static Table Table(IEnumerable<Run> runs)
    {
        var table = CliOutput.NewTable("Run ID", "Name", "Experiment", "Status", "Started (UTC)", "Duration", "User");
        foreach (var info in runs.Select(r => r.Info))
        {
            table.AddRow(
                CliOutput.Cell(info.RunId),
                CliOutput.Cell(info.RunName),
                CliOutput.Cell(info.ExperimentId),
                CliOutput.Cell(Formats.Status(info.Status)),
                CliOutput.Cell(Formats.Time(info.StartTime)),
                CliOutput.Cell(Formats.Duration(info.StartTime, info.EndTime)),
                CliOutput.Cell(info.UserId));
        }

        return table;
    }

    private static async Task<IReadOnlyList<string>> ResolveExperimentsAsync(ITrackingStore client, string[]? ids, string[]? names, CancellationToken cancellationToken)
    {
        var result = new List<string>(ids ?? []);
        foreach (var name in names ?? [])
        {
            var experiment = await client.GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false);
            result.Add(experiment.ExperimentId);
        }

        return result.Count > 0
            ? result
            : throw new UsageException("Name the experiments: --experiment-id ID or --experiment-name NAME.");
    }
}
