using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Registry;
using Spectre.Console;

namespace Keel.Cli.Models;

/// <summary><c>keel models versions MODEL</c>: every version of a model, newest first.</summary>
internal static class ModelsVersionsCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var stage = ModelsCommon.StageOption("Only versions in this stage.");
        var command = new Command("versions", "List the versions of a registered model: stage, aliases, run, source, creation.") { model, stage };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var name = ModelReference.Parse(ctx.Parse.GetValue(model)!).Name;
            var wanted = ctx.Parse.GetValue(stage) is { } s ? ModelsFormat.ParseStage(s) : null;
            await ctx.Store.Registry.GetRegisteredModelAsync(name, ct).ConfigureAwait(false); // RESOURCE_DOES_NOT_EXIST rather than an empty list.
            var versions = (await ctx.Store.Registry.ListModelVersionsAsync(name, ct).ConfigureAwait(false))
                .Where(v => wanted is null || v.CurrentStage == wanted)
                .OrderByDescending(v => ModelsFormat.Number(v.Version))
                .ToList();
            ctx.Output.WriteResult(versions, list => ctx.Output.Write(Table(list)));
        });
        return command;
    }

    private static Table Table(IEnumerable<ModelVersion> versions)
    {
        var table = CliOutput.NewTable("Version", "Stage", "Aliases", "Run", "Source", "Created (UTC)", "User");
        foreach (var v in versions)
        {
            table.AddRow(
                CliOutput.Cell(v.Version),
                CliOutput.Cell(ModelsFormat.Stage(v.CurrentStage)),
                CliOutput.Cell(ModelsFormat.Aliases(v.Aliases)),
                CliOutput.Cell(v.RunId),
                CliOutput.Cell(v.Source),
                CliOutput.Cell(Formats.Time(v.CreationTimestamp)),
                CliOutput.Cell(v.UserId));
        }

        return table;
    }
}
