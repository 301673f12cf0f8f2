using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Registry;

namespace Keel.Cli.Models;

/// <summary><c>keel models show MODEL</c>: a registered model, or with a models:/ URI the version it names.</summary>
internal static class ModelsShowCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var command = new Command("show", "Show a registered model (info, tags, aliases, latest versions), or the version a models:/ URI names.") { model };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var reference = ModelReference.Parse(ctx.Parse.GetValue(model)!);
            if (reference.Uri is not null)
            {
                var version = await ctx.Store.Registry.ResolveAsync(reference.Text, ct).ConfigureAwait(false);
                ctx.Output.WriteResult(version, v => RenderVersion(ctx.Output, v));
                return;
            }

            var registered = await ctx.Store.Registry.GetRegisteredModelAsync(reference.Name, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(registered, m => RenderModel(ctx.Output, m));
        });
        return command;
    }

    private static void RenderModel(CliOutput output, RegisteredModel model)
    {
        output.Write(ModelsFormat.Grid(
        [
            ("Name", model.Name),
            ("Description", model.Description),
            ("Created (UTC)", Formats.Time(model.CreationTimestamp)),
            ("Updated (UTC)", Formats.Time(model.LastUpdatedTimestamp)),
        ]));
        ModelsFormat.Section(output, "Latest versions", ["Version", "Stage", "Aliases", "Run", "Source", "Created (UTC)"], model.LatestVersions
            .OrderByDescending(v => ModelsFormat.Number(v.Version))
            .Select(v => new[] { v.Version, ModelsFormat.Stage(v.CurrentStage), ModelsFormat.Aliases(v.Aliases), v.RunId, v.Source, Formats.Time(v.CreationTimestamp) }));
        ModelsFormat.Section(output, "Aliases", ["Alias", "Version"], model.Aliases.Select(a => new[] { "@" + a.Alias, a.Version }));
        ModelsFormat.Section(output, "Tags", ["Key", "Value"], model.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new[] { t.Key, t.Value }));
    }

    private static void RenderVersion(CliOutput output, ModelVersion version)
    {
        output.Write(ModelsFormat.Grid(
        [
            ("Model", version.Name),
            ("Version", version.Version),
            ("Stage", ModelsFormat.Stage(version.CurrentStage)),
            ("Aliases", ModelsFormat.Aliases(version.Aliases)),
            ("Description", version.Description),
            ("Source", version.Source),
            ("Run ID", version.RunId),
            ("Status", version.Status),
            ("User", version.UserId),
            ("Created (UTC)", Formats.Time(version.CreationTimestamp)),
            ("Updated (UTC)", Formats.Time(version.LastUpdatedTimestamp)),
        ]));
        ModelsFormat.Section(output, "Tags", ["Key", "Value"], version.Tags.OrderBy(t => t.Key, StringComparer.Ordinal).Select(t => new[] { t.Key, t.Value }));
    }
}
