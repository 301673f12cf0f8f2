using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Cli.Models;

/// <summary>
/// <c>keel models register NAME SOURCE</c>: the next version of a model, creating the model first
/// when it does not exist (as MLflow's <c>register_model</c>).
/// </summary>
internal static class ModelsRegisterCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "Registered model name; created when it does not exist." };
        var source = new Argument<string>("source") { Description = "Where the model's files are: runs:/<run id>/<path>, mlflow-artifacts:/<path>, or a location in Keel's artifact store." };
        var runId = new Option<string?>("--run-id") { Description = "The run that produced the model (taken from a runs:/ source when left out)." };
        var description = new Option<string?>("--description", "-d") { Description = "The version's description." };
        var tags = new Option<string[]>("--tag", "-t") { Description = "A version tag key=value (repeatable)." };
        var reason = ModelsCommon.ReasonOption();
        var command = new Command("register", "Register a new version of a model from a source (creates the model if needed).") { name, source, runId, description, tags, reason };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var modelName = ctx.Parse.GetValue(name)!;
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason));
            var created = await EnsureModelAsync(ctx, modelName, actor, ct).ConfigureAwait(false);
            var versionTags = Formats.ParseTags(ctx.Parse.GetValue(tags)).Select(t => new ModelVersionTag(t.Key, t.Value)).ToList();
            var src = ctx.Parse.GetValue(source)!;
            var command = new CreateModelVersionCommand(modelName, src, ctx.Parse.GetValue(runId) ?? ModelsCommon.RunOf(src), versionTags.Count == 0 ? null : versionTags, null, ctx.Parse.GetValue(description), null);
            var version = await ctx.Store.Registry.CreateModelVersionAsync(command, actor, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(version, v =>
            {
                if (created)
                {
                    ctx.Output.WriteLine($"Created registered model '{v.Name}'.");
                }

                ctx.Output.WriteLine($"Registered version {v.Version} of '{v.Name}' from {v.Source}.");
            });
        });
        return command;
    }

    /// <summary>Creates the model unless it exists; true when this call created it.</summary>
    private static async Task<bool> EnsureModelAsync(ApiCommandContext ctx, string name, Actor actor, CancellationToken cancellationToken)
    {
        try
        {
            await ctx.Store.Registry.GetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            try
            {
                await ctx.Store.Registry.CreateRegisteredModelAsync(name, null, null, actor, cancellationToken).ConfigureAwait(false);
                return true;
            }
            catch (KeelException raced) when (raced.Code == ErrorCode.ResourceAlreadyExists)
            {
                return false; // Someone else created it meanwhile: register onto theirs.
            }
        }
    }
}
