using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Models;
using Keel.Core.Registry;
using Spectre.Console;

namespace Keel.Cli.Models;

/// <summary><c>keel models list</c>: registered models matching a filter, all pages.</summary>
internal static class ModelsListCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var filter = new Option<string?>("--filter") { Description = "MLflow search filter, e.g. \"name LIKE '%credit%'\"." };
        var orderBy = new Option<string[]>("--order-by") { Description = "Order clause, e.g. \"last_updated_timestamp DESC\" (repeatable)." };
        var max = new Option<int?>("--max-results") { Description = "Stop after this many models." };
        var command = new Command("list", "List registered models with their latest version per stage and their aliases.") { filter, orderBy, max };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var limit = ctx.Parse.GetValue(max) ?? int.MaxValue;
            if (limit < 1)
            {
                throw new UsageException("--max-results must be at least 1.");
            }

            var orders = ctx.Parse.GetValue(orderBy);
            var models = await ctx.Store.Registry.SearchAllRegisteredModelsAsync(ctx.Parse.GetValue(filter), orders is { Length: > 0 } ? orders : null, Math.Min(limit, 1000), ct)
                .Take(limit).ToListAsync(ct).ConfigureAwait(false);
            ctx.Output.WriteResult(models, list => ctx.Output.Write(Table(list)));
        });
        return command;
    }

    private static Table Table(IEnumerable<RegisteredModel> models)
    {
        var table = CliOutput.NewTable("Name", "Latest versions", "Aliases", "Updated (UTC)");
        foreach (var model in models)
        {
            var latest = model.LatestVersions
                .OrderBy(v => Rank(v.CurrentStage))
                .Select(v => $"{ModelsFormat.Stage(v.CurrentStage)}: {v.Version}");
            var aliases = model.Aliases.Select(a => $"@{a.Alias} → {a.Version}");
            table.AddRow(
                CliOutput.Cell(model.Name),
                CliOutput.Cell(string.Join(", ", latest)),
                CliOutput.Cell(string.Join(", ", aliases)),
                CliOutput.Cell(Formats.Time(model.LastUpdatedTimestamp)));
        }

        return table;
    }

    /// <summary>Production first, then staging, development, archived.</summary>
    private static int Rank(string stage) => ModelStages.TryParse(stage, out var s)
        ? s switch { ModelStage.Production => 0, ModelStage.Staging => 1, ModelStage.Development => 2, _ => 3 }
        : 4;
}
