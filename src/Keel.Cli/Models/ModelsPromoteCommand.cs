using System.CommandLine;
using Keel.Cli.Infrastructure;

namespace Keel.Cli.Models;

/// <summary><c>keel models promote MODEL VERSION --stage production</c>: a stage transition, audited.</summary>
internal static class ModelsPromoteCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var version = ModelsCommon.VersionArgument();
        var stage = ModelsCommon.StageOption("The stage to move the version to.");
        stage.Required = true;
        var archive = new Option<bool>("--archive-existing") { Description = "Move the versions now in that stage (staging or production) to archived." };
        var reason = ModelsCommon.ReasonOption();
        var force = ModelsCommon.ForceOption();
        var command = new Command("promote", "Move a version to a stage (development, staging, production, archived).") { model, version, stage, archive, reason, force };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var reference = ModelReference.Parse(ctx.Parse.GetValue(model)!);
            var target = ModelsFormat.ParseStage(ctx.Parse.GetValue(stage)!);
            var before = await reference.ResolveVersionAsync(ctx.Store.Registry, ctx.Parse.GetValue(version), "keel models promote NAME VERSION --stage STAGE", ct).ConfigureAwait(false);
            var archiveExisting = ctx.Parse.GetValue(archive);
            var displaced = archiveExisting && target is "Staging" or "Production"
                ? (await ctx.Store.Registry.ListModelVersionsAsync(before.Name, ct).ConfigureAwait(false)).Where(v => v.CurrentStage == target && v.Version != before.Version).Select(v => v.Version).ToList()
                : [];
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason)) with { Force = ctx.Parse.GetValue(force) };
            var after = await ctx.Store.Registry.TransitionStageAsync(before.Name, before.Version, target, archiveExisting, actor, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(new PromoteResult(after, before.CurrentStage, after.CurrentStage, displaced), r =>
            {
                ctx.Output.WriteLine($"'{after.Name}' version {after.Version}: {ModelsFormat.Stage(r.FromStage)} → {ModelsFormat.Stage(r.ToStage)}.");
                if (r.ArchivedVersions.Count > 0)
                {
                    ctx.Output.WriteLine($"Archived {ModelsFormat.Versions(r.ArchivedVersions)} (was {ModelsFormat.Stage(target)}).");
                }
            });
        });
        return command;
    }
}
