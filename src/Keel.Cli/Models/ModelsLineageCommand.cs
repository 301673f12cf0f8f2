using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Core.Protocol;
using Keel.Core.Registry;
using Spectre.Console;

namespace Keel.Cli.Models;

/// <summary><c>keel models lineage MODEL [VERSION]</c>: data → run → version, as recorded at registration.</summary>
internal static class ModelsLineageCommand
{
    private const string Arrow = "    ↓";

    public static Command Create(GlobalOptions globals)
    {
        var model = ModelsCommon.ModelArgument();
        var version = ModelsCommon.VersionArgument();
        var command = new Command("lineage", "Show where a version came from: datasets (with digests) → run (params, metrics) → version (source, signature).") { model, version };
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var reference = ModelReference.Parse(ctx.Parse.GetValue(model)!);
            var versionArg = ctx.Parse.GetValue(version);
            string number;
            if (reference.Uri is not null)
            {
                number = versionArg is null
                    ? (await ctx.Store.Registry.ResolveAsync(reference.Text, ct).ConfigureAwait(false)).Version
                    : throw new UsageException($"Give a models:/ URI or a name and a version, not both ('{reference.Text}' and '{versionArg}').");
            }
            else
            {
                number = versionArg ?? throw new UsageException("Name a version: keel models lineage NAME VERSION, or a models:/ URI.");
            }

            var lineage = await ctx.Store.Registry.GetVersionLineageAsync(reference.Name, number, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(lineage, l => Render(ctx.Output, l));
        });
        return command;
    }

    private static void Render(CliOutput output, LineageResponse response)
    {
        var v = response.ModelVersion;
        var lineage = response.Lineage;
        if (lineage is null)
        {
            output.WriteLine($"No lineage was recorded for '{v.Name}' version {v.Version} (registered without a run or a Keel package).");
        }
        else
        {
            output.WriteLine("Data");
            if (lineage.Datasets.Count == 0)
            {
                output.WriteLine("  (no datasets logged by the run)");
            }
            else
            {
                var data = CliOutput.NewTable("Dataset", "Digest", "Context", "Source");
                foreach (var d in lineage.Datasets)
                {
                    data.AddRow(CliOutput.Cell(d.Name), CliOutput.Cell(d.Digest), CliOutput.Cell(d.Context), CliOutput.Cell(d.Source));
                }

                output.Write(data);
            }

            output.WriteLine(Arrow);
            output.WriteLine("Run");
            output.Write(ModelsFormat.Grid(
            [
                ("Run ID", lineage.RunId ?? "(none)"),
                ("Name", lineage.RunName),
                ("Experiment", lineage.ExperimentId),
            ]));
            ModelsFormat.Section(output, "Metrics", ["Key", "Value"], lineage.Metrics.OrderBy(m => m.Key, StringComparer.Ordinal).Select(m => new[] { m.Key, Formats.Number(m.Value) }));
            ModelsFormat.Section(output, "Params", ["Key", "Value"], lineage.Params.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new[] { p.Key, p.Value }));
            output.WriteLine(Arrow);
        }

        output.WriteLine("Model version");
        output.Write(ModelsFormat.Grid(
        [
            ("Model", v.Name),
            ("Version", v.Version),
            ("Stage", ModelsFormat.Stage(v.CurrentStage)),
            ("Aliases", ModelsFormat.Aliases(v.Aliases)),
            ("Source", v.Source),
            ("Created (UTC)", Formats.Time(v.CreationTimestamp)),
            ("User", v.UserId),
            ("Signature", lineage is null ? string.Empty : ModelsFormat.Signature(lineage.Signature)),
            ("Keel version", lineage?.KeelVersion),
        ]));
    }
}
