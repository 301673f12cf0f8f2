using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Models;

/// <summary><c>keel models delete NAME [VERSION]</c>: a whole registered model, or one version.</summary>
internal static class ModelsDeleteCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var version = ModelsCommon.VersionArgument("Delete only this version (or name it with a models:/ URI); leave out to delete the model and all its versions.");
        var reason = ModelsCommon.ReasonOption();
        var command = new Command("delete", "Delete a registered model with all its versions, or one version. The audit trail is kept.") { model, version, reason };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var reference = ModelReference.Parse(ctx.Parse.GetValue(model)!);
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason));
            var versionArg = ctx.Parse.GetValue(version);
            if (reference.Uri is null && versionArg is null)
            {
                await ctx.Store.Registry.DeleteRegisteredModelAsync(reference.Name, actor, ct).ConfigureAwait(false);
                ctx.Output.WriteResult(new DeleteResult(reference.Name, null, true), r => ctx.Output.WriteLine($"Deleted registered model '{r.Name}' and its versions."));
                return;
            }

            var target = await reference.ResolveVersionAsync(ctx.Store.Registry, versionArg, "keel models delete NAME VERSION", ct).ConfigureAwait(false);
            await ctx.Store.Registry.DeleteModelVersionAsync(target.Name, target.Version, actor, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new DeleteResult(target.Name, target.Version, true), r => ctx.Output.WriteLine($"Deleted version {r.Version} of '{r.Name}'."));
        });
        return command;
    }
}
