using System.CommandLine;
using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Cli.Train;
using Keel.Core.Validation.Gates;
using Keel.ML.Workflows;

namespace Keel.Cli.Validate;

/// <summary>
/// <c>keel validate models:/NAME@ALIAS --data new.csv</c>: checks a data set against a registered
/// model — schema (the signature), data quality (the training profile) and, when the data has the
/// target column, the metric thresholds — prints the report and stores it on the version.
/// Exit codes: 0 every gate passed, 1 a gate failed, 2 an error. See docs/validation-gates.md.
/// </summary>
internal static class ValidateCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var model = new Argument<string>("model") { Description = "The model version: models:/NAME/VERSION, models:/NAME@ALIAS, models:/NAME/STAGE or models:/NAME/latest." };
        var data = new Option<FileInfo>("--data") { Description = "The data set to validate (CSV with a header, or Parquet).", Required = true, HelpName = "file" };
        var backend = new Option<string>("--backend-store-uri")
        {
            Description = $"Use this local store, e.g. sqlite:///keel-data/keel.db (same as --tracking-uri sqlite:///...). {StoreChoice.RuleHelp}",
            HelpName = "uri",
        };
        var artifacts = new Option<string>("--artifacts-uri") { Description = $"The local store's artifact root (a folder or s3://bucket/prefix). Default: {StoreChoice.DefaultArtifactsUri}, as 'keel server'.", HelpName = "folder" };
        var thresholds = new Option<string[]>("--threshold")
        {
            Description = "A metric bound METRIC=VALUE (a floor for scores, a ceiling for losses); repeatable. Replaces the model's own threshold for that metric.",
            HelpName = "metric=value",
            AllowMultipleArgumentsPerToken = false,
        };
        var noRecord = new Option<bool>("--no-record") { Description = "Only check: do not store the report and status on the model version." };
        var strict = new Option<bool>("--strict") { Description = "Columns the model does not use fail the schema gate instead of warning." };
        var missing = new Option<double?>("--missing-tolerance") { Description = "How far a column's missing share may exceed training's (default 0.05).", HelpName = "share" };
        var outOfRange = new Option<double?>("--out-of-range-tolerance") { Description = "The share of values outside training's range allowed per column (default 0.01).", HelpName = "share" };
        var unseen = new Option<double?>("--unseen-tolerance") { Description = "The share of unseen categories allowed per column (default 0.01).", HelpName = "share" };
        var command = new Command("validate", "Check a data set against a registered model: schema, data quality and, with the target column, metric gates.")
        {
            model, data, backend, artifacts, thresholds, noRecord, strict, missing, outOfRange, unseen,
        };
        var naValues = new MissingValueOptions();
        naValues.AddTo(command);
        var json = command.AddJsonOption();
        command.SetAction(async (parse, cancellationToken) =>
        {
            var settings = globals.Settings;
            try
            {
                var request = new ValidateOptions
                {
                    ModelUri = parse.GetValue(model)!,
                    DataPath = parse.GetValue(data)!.FullName,
                    Thresholds = ParseThresholds(parse.GetValue(thresholds) ?? []),
                    Record = !parse.GetValue(noRecord),
                    Schema = new SchemaOptions { FailOnExtraColumns = parse.GetValue(strict) },
                    Quality = Quality(parse.GetValue(missing), parse.GetValue(outOfRange), parse.GetValue(unseen)),
                    Missing = naValues.ReadIfGiven(parse),
                    User = settings.GetEnvironmentVariable("KEEL_USER") ?? settings.GetEnvironmentVariable("USER") ?? "keel",
                };
                var output = new CliOutput(settings, parse.GetValue(json));
                ValidateResult result;
                var opened = globals.OpenStore(parse, parse.GetValue(backend), parse.GetValue(artifacts));
                await using (opened.ConfigureAwait(false))
                {
                    result = await new ValidateSession(new TrainProgress(output, settings.Error)).RunAsync(opened.Backend(), request, cancellationToken).ConfigureAwait(false);
                }

                output.WriteResult(result, r => ValidateResultView.Write(r, output));
                return result.Report.Passed ? TrainCommand.Passed : TrainCommand.GateFailed;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                return TrainCommand.ReportError(settings, e);
            }
        });
        return command;
    }

    /// <summary>Parses <c>metric=value</c> pairs into thresholds with the metric's known direction.</summary>
    /// <exception cref="UsageException">A pair is malformed or the metric is unknown.</exception>
    internal static IReadOnlyList<MetricThreshold> ParseThresholds(IReadOnlyList<string> pairs)
    {
        var result = new List<MetricThreshold>();
        foreach (var pair in pairs)
        {
            var parts = pair.Split('=', 2);
            if (parts.Length != 2 || parts[0].Trim().Length == 0
                || !double.TryParse(parts[1], NumberStyles.Float, CultureInfo.InvariantCulture, out var value) || !double.IsFinite(value))
            {
                throw new UsageException($"--threshold '{pair}': expected METRIC=NUMBER, e.g. roc_auc=0.8.");
            }

            var metric = parts[0].Trim();
            if (!MetricDirections.TryGetGreaterIsBetter(metric, out var greater))
            {
                throw new UsageException($"--threshold '{pair}': unknown metric '{metric}' (known: {MetricDirections.KnownNames}).");
            }

            result.Add(new MetricThreshold(metric) { Threshold = value, GreaterIsBetter = greater });
        }

        return result;
    }

    private static QualityOptions Quality(double? missing, double? outOfRange, double? unseen)
    {
        var defaults = new QualityOptions();
        var options = new QualityOptions
        {
            MissingShareTolerance = missing ?? defaults.MissingShareTolerance,
            OutOfRangeTolerance = outOfRange ?? defaults.OutOfRangeTolerance,
            UnseenCategoryTolerance = unseen ?? defaults.UnseenCategoryTolerance,
        };
        try
        {
            options.Validate();
        }
        catch (Core.Errors.KeelException e)
        {
            throw new UsageException(e.Message);
        }

        return options;
    }
}
