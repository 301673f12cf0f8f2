using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Experiments;

/// <summary><c>keel experiments delete ID</c>: soft delete, as MLflow (the server can restore it).</summary>
internal static class ExperimentsDeleteCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var id = new Argument<string>("experiment-id") { Description = "Id of the experiment to delete." };
        var command = new Command("delete", "Delete an experiment and its runs (they can be restored).") { id };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var experimentId = ctx.Parse.GetValue(id)!;
            await ctx.Store.Tracking.DeleteExperimentAsync(experimentId, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new { ExperimentId = experimentId, Deleted = true }, r => ctx.Output.WriteLine($"Deleted experiment {r.ExperimentId}."));
        });
        return command;
    }
}
