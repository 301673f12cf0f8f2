using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Registry;

namespace Keel.Cli.Models;

/// <summary>
/// <c>keel models create NAME</c>: a new registered model (RESOURCE_ALREADY_EXISTS when the name
/// is taken); with <c>--source</c> it also registers version 1 from that source.
/// </summary>
internal static class ModelsCreateCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var name = new Argument<string>("name") { Description = "Registered model name (unique; no '/')." };
        var description = new Option<string?>("--description", "-d") { Description = "What the model is for." };
        var tags = new Option<string[]>("--tag", "-t") { Description = "A model tag key=value (repeatable)." };
        var source = new Option<string?>("--source") { Description = "Also register version 1 from this source (runs:/<run id>/<path>, mlflow-artifacts:/<path>, ...)." };
        var runId = new Option<string?>("--run-id") { Description = "The run that produced --source (taken from a runs:/ source when left out)." };
        var reason = ModelsCommon.ReasonOption();
        var command = new Command("create", "Create a registered model; with --source also register its first version.") { name, description, tags, source, runId, reason };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var modelName = ctx.Parse.GetValue(name)!;
            var src = ctx.Parse.GetValue(source);
            if (src is null && ctx.Parse.GetValue(runId) is not null)
            {
                throw new UsageException("--run-id needs --source.");
            }

            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason));
            var modelTags = Formats.ParseTags(ctx.Parse.GetValue(tags)).Select(t => new RegisteredModelTag(t.Key, t.Value)).ToList();
            var model = await ctx.Store.Registry.CreateRegisteredModelAsync(modelName, modelTags.Count == 0 ? null : modelTags, ctx.Parse.GetValue(description), actor, ct).ConfigureAwait(false);
            ModelVersion? version = null;
            if (src is not null)
            {
                version = await ctx.Store.Registry.CreateModelVersionAsync(new CreateModelVersionCommand(modelName, src, ctx.Parse.GetValue(runId) ?? ModelsCommon.RunOf(src), null, null, null, null), actor, ct).ConfigureAwait(false);
                model = await ctx.Store.Registry.GetRegisteredModelAsync(modelName, ct).ConfigureAwait(false);
            }

            ctx.Output.WriteResult(new CreateModelResult(model, version), r =>
            {
                ctx.Output.WriteLine($"Created registered model '{r.RegisteredModel.Name}'.");
                if (r.ModelVersion is { } v)
                {
                    ctx.Output.WriteLine($"Registered version {v.Version} of '{v.Name}' from {v.Source}.");
                }
            });
        });
        return command;
    }
}
