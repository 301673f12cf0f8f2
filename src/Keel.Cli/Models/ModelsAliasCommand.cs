using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Registry;

namespace Keel.Cli.Models;

/// <summary><c>keel models alias MODEL ALIAS VERSION</c> points an alias; with <c>--delete</c> removes it.</summary>
internal static class ModelsAliasCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var alias = new Argument<string>("alias") { Description = "The alias, e.g. champion (letters, digits, _ and -; not 'latest' or v<digits>)." };
        var version = ModelsCommon.VersionArgument("The version to point the alias at (leave out with --delete, or when MODEL is a models:/ URI).");
        var delete = new Option<bool>("--delete") { Description = "Remove the alias instead." };
        var reason = ModelsCommon.ReasonOption();
        var force = ModelsCommon.ForceOption();
        var command = new Command("alias", "Point an alias (e.g. champion) at a version, or remove it with --delete.") { model, alias, version, delete, reason, force };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var reference = ModelReference.Parse(ctx.Parse.GetValue(model)!);
            var aliasName = AliasValidator.Validate(ctx.Parse.GetValue(alias));
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason)) with { Force = ctx.Parse.GetValue(force) };
            if (ctx.Parse.GetValue(delete))
            {
                if (ctx.Parse.GetValue(version) is not null || reference.Uri is not null)
                {
                    throw new UsageException("--delete takes a model name and an alias only: keel models alias NAME ALIAS --delete.");
                }

                var previous = await TargetAsync(ctx, reference.Name, aliasName, ct).ConfigureAwait(false);
                await ctx.Store.Registry.DeleteAliasAsync(reference.Name, aliasName, actor, ct).ConfigureAwait(false);
                ctx.Output.WriteResult(new AliasResult(reference.Name, aliasName, null, previous), r => ctx.Output.WriteLine(r.PreviousVersion is null
                    ? $"Alias @{aliasName} of '{r.Name}' was not set; nothing removed."
                    : $"Removed alias @{aliasName} of '{r.Name}' (was version {r.PreviousVersion})."));
                return;
            }

            var target = await reference.ResolveVersionAsync(ctx.Store.Registry, ctx.Parse.GetValue(version), "keel models alias NAME ALIAS VERSION", ct).ConfigureAwait(false);
            var before = await TargetAsync(ctx, target.Name, aliasName, ct).ConfigureAwait(false);
            await ctx.Store.Registry.SetAliasAsync(target.Name, aliasName, target.Version, actor, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new AliasResult(target.Name, aliasName, target.Version, before), r =>
                ctx.Output.WriteLine($"Alias @{aliasName} of '{r.Name}' → version {r.Version} (was {(r.PreviousVersion is null ? "unset" : "version " + r.PreviousVersion)})."));
        });
        return command;
    }

    private static async Task<string?> TargetAsync(ApiCommandContext ctx, string name, string alias, CancellationToken cancellationToken)
    {
        var model = await ctx.Store.Registry.GetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
        return model.Aliases.FirstOrDefault(a => a.Alias == alias)?.Version;
    }
}
