using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Cli.Models;
using Keel.Core.Deployments;

namespace Keel.Cli.Deploy;

/// <summary><c>keel deploy create FILE</c> and <c>keel deploy apply FILE</c>: a deployment from a spec file.</summary>
internal static class DeployApplyCommand
{
    public static Command CreateCreate(GlobalOptions globals) => Build(globals, "create", "Create a deployment from a spec file (YAML or JSON); production moves to its version.", apply: false);

    public static Command CreateApply(GlobalOptions globals) => Build(globals, "apply", "Move a deployment toward a spec file (YAML or JSON), creating it if needed. Applying the same spec twice changes nothing; a new version starts a rollout.", apply: true);

    private static Command Build(GlobalOptions globals, string verb, string description, bool apply)
    {
        var file = new Argument<string>("file") { Description = "The spec file: name, model, version, strategy, traffic, steps, gates (see docs/deployments.md)." };
        var reason = ModelsCommon.ReasonOption();
        var force = ModelsCommon.ForceOption();
        var command = new Command(verb, description) { file, reason, force };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var spec = DeploySpecFile.Read(ctx.Parse.GetValue(file)!);
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason)) with { Force = ctx.Parse.GetValue(force) };
            var result = apply
                ? await ctx.Store.Deployments().ApplyAsync(spec, actor, ct).ConfigureAwait(false)
                : new DeploymentApplyResult(await ctx.Store.Deployments().CreateAsync(spec, actor, ct).ConfigureAwait(false), DeploymentEventKinds.Created);
            ctx.Output.WriteResult(result, r =>
            {
                ctx.Output.WriteLine(r.Change is null
                    ? $"Deployment '{r.Deployment.Name}' unchanged: it already matches the spec."
                    : $"Deployment '{r.Deployment.Name}': {r.Change.Replace('_', ' ')}.");
                ctx.Output.Write(DeployFormat.Status(r.Deployment));
            });
        });
        return command;
    }
}
