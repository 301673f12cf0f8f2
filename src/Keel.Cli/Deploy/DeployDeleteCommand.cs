using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Cli.Models;

namespace Keel.Cli.Deploy;

/// <summary><c>keel deploy delete NAME</c>: removes a deployment and its history; the registry's trail keeps the deletion.</summary>
internal static class DeployDeleteCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The deployment." };
        var reason = ModelsCommon.ReasonOption();
        var force = new Option<bool>("--force") { Description = "Delete although a rollout is under way; needs --reason, which the audit trail keeps." };
        var command = new Command("delete", "Delete a deployment and its history (the registry's audit trail keeps the deletion; production stays where it points). Refused during a rollout unless --force with --reason.") { name, reason, force };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var deployment = ctx.Parse.GetValue(name)!;
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason)) with { Force = ctx.Parse.GetValue(force) };
            await ctx.Store.Deployments().DeleteAsync(deployment, actor, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new { name = deployment, deleted = true }, _ => ctx.Output.WriteLine($"Deployment '{deployment}' deleted."));
        });
        return command;
    }
}
