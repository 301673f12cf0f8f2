using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Models;

/// <summary>
/// <c>keel models rollback MODEL --stage production | --alias champion</c>: back to the previous
/// holder, as the audit trail records it. Rolling back again goes further back.
/// </summary>
internal static class ModelsRollbackCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var stage = ModelsCommon.StageOption("Roll this stage back (staging or production).");
        var alias = ModelsCommon.AliasOption("Roll this alias back.");
        var reason = ModelsCommon.ReasonOption();
        var command = new Command("rollback", "Give a stage or an alias back to the version that held it before (models:/NAME/Production and models:/NAME@ALIAS work too).") { model, stage, alias, reason };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var reference = ModelReference.Parse(ctx.Parse.GetValue(model)!);
            var (wireStage, aliasName) = reference.StageOrAlias(ctx.Parse.GetValue(stage), ctx.Parse.GetValue(alias));
            var name = reference.Name;
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason));
            RollbackResult result;
            if (wireStage is not null)
            {
                var before = (await ctx.Store.Registry.ListModelVersionsAsync(name, ct).ConfigureAwait(false)).Where(v => v.CurrentStage == wireStage).Select(v => v.Version).ToList();
                var after = await ctx.Store.Registry.RollbackStageAsync(name, wireStage, actor, ct).ConfigureAwait(false);
                result = new RollbackResult(name, wireStage, null, before, after.Version, after);
            }
            else
            {
                var model = await ctx.Store.Registry.GetRegisteredModelAsync(name, ct).ConfigureAwait(false);
                var before = model.Aliases.Where(a => a.Alias == aliasName).Select(a => a.Version).ToList();
                var after = await ctx.Store.Registry.RollbackAliasAsync(name, aliasName!, actor, ct).ConfigureAwait(false);
                result = new RollbackResult(name, null, aliasName, before, after?.Version, after);
            }

            ctx.Output.WriteResult(result, r => Render(ctx.Output, r));
        });
        return command;
    }

    private static void Render(CliOutput output, RollbackResult r)
    {
        var what = r.Stage is not null ? ModelsFormat.Stage(r.Stage) : "@" + r.Alias;
        var to = r.ToVersion is null ? "(alias removed)" : "version " + r.ToVersion;
        output.WriteLine($"Rolled back {what} of '{r.Name}': {ModelsFormat.Versions(r.FromVersions, "(none)")} → {to}.");
        var archived = r.Stage is null ? [] : r.FromVersions.Where(v => v != r.ToVersion).ToList();
        if (archived.Count > 0)
        {
            output.WriteLine($"Archived {ModelsFormat.Versions(archived)}.");
        }
    }
}
