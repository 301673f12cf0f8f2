using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Cli.Models;
using Keel.Core.Deployments;

namespace Keel.Cli.Deploy;

/// <summary><c>keel deploy promote|pause|resume|rollback NAME</c>: one state change, audited with the reason.</summary>
internal static class DeployActionCommand
{
    public static Command Create(GlobalOptions globals, string verb, string description)
    {
        var name = new Argument<string>("name") { Description = "The deployment." };
        var reason = ModelsCommon.ReasonOption();
        var command = new Command(verb, description) { name, reason };
        Option<bool>? force = null;
        if (verb == "promote")
        {
            force = ModelsCommon.ForceOption();
            command.Options.Add(force);
        }

        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var deployment = ctx.Parse.GetValue(name)!;
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason)) with { Force = force is not null && ctx.Parse.GetValue(force) };
            var after = verb switch
            {
                "promote" => await ctx.Store.Deployments().PromoteAsync(deployment, actor, ct).ConfigureAwait(false),
                "pause" => await ctx.Store.Deployments().PauseAsync(deployment, actor, ct).ConfigureAwait(false),
                "resume" => await ctx.Store.Deployments().ResumeAsync(deployment, actor, ct).ConfigureAwait(false),
                _ => await ctx.Store.Deployments().RollbackAsync(deployment, actor, null, ct).ConfigureAwait(false),
            };
            ctx.Output.WriteResult(after, d =>
            {
                ctx.Output.WriteLine($"Deployment '{d.Name}' is {d.State.ToWireName()}.");
                ctx.Output.Write(DeployFormat.Status(d));
            });
        });
        return command;
    }
}
