using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Serving;

/// <summary><c>keel serving remove NAME</c>: stop serving a model (the registry is untouched).</summary>
internal static class ServingRemoveCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The served name to stop serving." };
        var command = new Command("remove", "Stop serving NAME on the server. The registered model and its versions are untouched.") { name };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var served = ctx.Parse.GetValue(name)!;
            await ctx.Store.Serving.RemoveAsync(served, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new RemoveResult(served, true), r => ctx.Output.WriteLine($"Stopped serving '{r.Name}'."));
        });
        return command;
    }

    /// <summary>The <c>--json</c> answer of <c>keel serving remove</c>.</summary>
    internal sealed record RemoveResult(string Name, bool Removed);
}
