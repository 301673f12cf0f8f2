using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Deploy;

/// <summary><c>keel deploy status NAME</c>: where a deployment's rollout stands.</summary>
internal static class DeployStatusCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The deployment." };
        var command = new Command("status", "Show a deployment: versions, state, traffic split, current step.") { name };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var deployment = await ctx.Store.Deployments().GetAsync(ctx.Parse.GetValue(name)!, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(deployment, d => ctx.Output.Write(DeployFormat.Status(d)));
        });
        return command;
    }
}
