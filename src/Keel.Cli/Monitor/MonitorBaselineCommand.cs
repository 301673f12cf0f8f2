using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Cli.Models;
using Keel.Core.Registry;
using Keel.Monitoring.Reference;

namespace Keel.Cli.Monitor;

/// <summary>
/// <c>keel monitor baseline NAME[/VERSION] --data FILE</c>: sets or replaces the reference a version's
/// live traffic is compared with (see docs/monitoring.md). Works on a local store or a server.
/// </summary>
internal static class MonitorBaselineCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = new Argument<string>("model")
        {
            Description = "NAME (its latest version), NAME/VERSION, or a models:/ URI (models:/credit/3, models:/credit@champion).",
        };
        var data = new Option<FileInfo>("--data")
        {
            Description = "The reference data: a CSV or Parquet file with the model's input columns (other columns are ignored), optionally prediction and probability.",
            HelpName = "file",
            Required = true,
        };
        var labelled = new Option<bool>("--labelled")
        {
            Description = "The data also holds the true classes (in the model's target column, or the one --target names): the model scores every row and the baseline keeps a labelled reference, so the label-free estimate (CBPE) can calibrate on it.",
        };
        var target = new Option<string>("--target")
        {
            Description = "The column of true classes (implies --labelled). Default: the model's target column.",
            HelpName = "column",
        };
        var reason = ModelsCommon.ReasonOption();
        var backend = new Option<string>("--backend-store-uri")
        {
            Description = $"Use this local store, e.g. sqlite:///keel-data/keel.db (same as --tracking-uri sqlite:///...). {StoreChoice.RuleHelp}",
            HelpName = "uri",
        };
        var artifacts = new Option<string>("--artifacts-uri") { Description = $"The local store's artifact root (a folder or s3://bucket/prefix). Default: {StoreChoice.DefaultArtifactsUri}, as 'keel server'.", HelpName = "folder" };
        var command = new Command("baseline", "Set or replace the monitoring reference of a model version from a data file (the package is not changed; the version's keel.monitoring.baseline tag points at it, audited).")
        {
            model, data, labelled, target, reason, backend, artifacts,
        };
        var naValues = new MissingValueOptions();
        naValues.AddTo(command);
        var json = command.AddJsonOption();
        command.SetApiAction(globals, json, async (ctx, ct) =>
        {
            var file = ctx.Parse.GetValue(data)!;
            if (!file.Exists)
            {
                throw new UsageException($"--data: '{file.FullName}' does not exist.");
            }

            var version = await ResolveAsync(ctx.Store.Registry, ctx.Parse.GetValue(model)!, ct).ConfigureAwait(false);
            var actor = ModelsCommon.Actor(globals, ctx, ctx.Parse.GetValue(reason) ?? $"keel monitor baseline --data {file.Name}");
            var baselines = new ModelBaselines(ctx.Store.Registry, ctx.Store.Tracking, ctx.Store.Artifacts, TimeProvider.System);
            var targetName = ctx.Parse.GetValue(target);
            var labels = targetName is not null || ctx.Parse.GetValue(labelled) ? new BaselineLabels(targetName, new PackageBaselineScorer()) : null;
            var result = await baselines.SetAsync(version, file.FullName, naValues.ReadIfGiven(ctx.Parse), actor, labels, ct).ConfigureAwait(false);
            ctx.Output.WriteResult(result, r => ctx.Output.WriteLine(
                $"Baseline of '{r.Model}' version {r.Version}: {r.Info.Rows} rows from {r.Info.Source}{(r.Info.LabelledRows > 0 ? $" (labelled: {r.Info.LabelledRows} rows scored by the model)" : r.Info.Predictions ? " (with predictions)" : string.Empty)} → {r.Uri}"
                + (r.PreviousUri is null ? " (the training sample is no longer used)." : $" (replaces {r.PreviousUri}).")));
        }, backend, artifacts);
        return command;
    }

    /// <summary>NAME → its latest version; NAME/VERSION → that version; a models:/ URI as everywhere else.</summary>
    internal static Task<ModelVersion> ResolveAsync(IRegistryStore registry, string text, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new UsageException("Name a model: NAME, NAME/VERSION or models:/NAME/VERSION.");
        }

        if (ModelUri.IsModelUri(text))
        {
            return registry.ResolveAsync(text, cancellationToken);
        }

        var slash = text.LastIndexOf('/');
        if (slash > 0 && slash < text.Length - 1 && text[(slash + 1)..].All(char.IsAsciiDigit))
        {
            return registry.GetModelVersionAsync(text[..slash], text[(slash + 1)..], cancellationToken);
        }

        if (slash >= 0)
        {
            throw new UsageException($"'{text}': expected NAME or NAME/VERSION with a version number.");
        }

        return registry.ResolveAsync($"models:/{text}/latest", cancellationToken);
    }
}
