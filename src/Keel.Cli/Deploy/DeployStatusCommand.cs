using System.CommandLine;
using System.Text.Json;
using Keel.Cli.Infrastructure;
using Keel.Core.Deployments;
using Keel.Core.Json;

namespace Keel.Cli.Deploy;

/// <summary>
/// <c>keel deploy status NAME</c>: where a deployment's rollout stands; for a rolling deployment,
/// also its replicas (what each serves, what it is told to serve, ready, healthy, last heartbeat).
/// With --json, the deployment's object, plus a <c>replicas</c> array for a rolling deployment.
/// </summary>
internal static class DeployStatusCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "The deployment." };
        var command = new Command("status", "Show a deployment: versions, state, traffic split, current step; for a rolling deployment, its replicas.") { name };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var deployment = await ctx.Store.Deployments().GetAsync(ctx.Parse.GetValue(name)!, ct).ConfigureAwait(false);
            if (deployment.Strategy != DeploymentStrategy.Rolling)
            {
                ctx.Output.WriteResult(deployment, d => ctx.Output.Write(DeployFormat.Status(d)));
                return;
            }

            var replicas = await ctx.Store.ListReplicasAsync(deployment.Name, ct).ConfigureAwait(false);
            var node = JsonSerializer.SerializeToNode(deployment, KeelJson.Options)!.AsObject();
            node["replicas"] = JsonSerializer.SerializeToNode(replicas, KeelJson.Options);
            ctx.Output.WriteResult(node, _ =>
            {
                ctx.Output.Write(DeployFormat.Status(deployment));
                ctx.Output.Write(DeployFormat.Replicas(deployment, replicas));
            });
        });
        return command;
    }
}
