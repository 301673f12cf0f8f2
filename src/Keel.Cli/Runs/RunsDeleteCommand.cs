using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Runs;

/// <summary><c>keel runs delete RUN_ID...</c>: soft delete, as MLflow.</summary>
internal static class RunsDeleteCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var ids = new Argument<string[]>("run-id") { Description = "The runs to delete.", Arity = ArgumentArity.OneOrMore };
        var command = new Command("delete", "Delete runs (they can be restored).") { ids };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var runIds = ctx.Parse.GetValue(ids)!;
            foreach (var runId in runIds)
            {
                await ctx.Store.Tracking.DeleteRunAsync(runId, ct).ConfigureAwait(false);
                if (!ctx.Output.Json)
                {
                    ctx.Output.WriteLine($"Deleted run {runId}.");
                }
            }

            if (ctx.Output.Json)
            {
                ctx.Output.WriteJson(new { RunIds = runIds, Deleted = true });
            }
        });
        return command;
    }
}
