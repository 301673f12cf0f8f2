using System.Globalization;
using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation.Gates;
using Keel.Data;
using Keel.ML.Data;
using Keel.ML.Packaging;
using Keel.ML.Training;
using Keel.ML.Validation;

namespace Keel.ML.Workflows;

/// <summary>
/// The validate workflow: resolves a registered version, fetches its package, loads a data set,
/// runs the schema, data-quality and (with the target column) metric gates, and records the
/// report on the version. The CLI (<c>keel validate</c>) and the server call it alike.
/// </summary>
/// <param name="progress">Where failed gates are reported as they are found; null for nowhere.</param>
public sealed class ValidateSession(IWorkflowProgress? progress = null)
{
    private static readonly JsonSerializerOptions ReportJson = new(KeelJson.Options) { WriteIndented = true };

    private readonly IWorkflowProgress _progress = progress ?? NullWorkflowProgress.Instance;

    /// <summary>Validates <paramref name="request"/>'s data against its model on <paramref name="backend"/>.</summary>
    /// <returns>The report (check <see cref="GateReport.Passed"/>), the metrics when scored, and where the report was recorded.</returns>
    /// <exception cref="KeelException">
    /// INVALID_PARAMETER_VALUE for a bad model URI or a missing data file; RESOURCE_DOES_NOT_EXIST for
    /// a model version that does not exist.
    /// </exception>
    public async Task<ValidateResult> RunAsync(TrainBackend backend, ValidateOptions request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        ArgumentNullException.ThrowIfNull(request);
        ModelUri.Parse(request.ModelUri);
        if (!File.Exists(request.DataPath))
        {
            throw KeelException.InvalidParameter($"--data: '{request.DataPath}' does not exist.");
        }

        {
            var version = await backend.Registry.ResolveAsync(request.ModelUri, cancellationToken).ConfigureAwait(false);
            var directory = Directory.CreateTempSubdirectory("keel-validate-").FullName;
            try
            {
                await backend.DownloadModelAsync(version, directory, cancellationToken).ConfigureAwait(false);
                var result = await ValidateAsync(version, directory, request, cancellationToken).ConfigureAwait(false);
                if (request.Record)
                {
                    result = result with { ReportUri = await RecordAsync(backend, version, result, request, cancellationToken).ConfigureAwait(false) };
                }

                foreach (var check in result.Report.Checks.Where(c => c.Outcome == GateOutcome.Failed))
                {
                    _progress.Warning("gate failed: " + check.Reason);
                }

                return result;
            }
            finally
            {
                Directory.Delete(directory, recursive: true);
            }
        }
    }

    /// <summary>The data as validation reads it: Keel's one table reader, with the model's non-numeric inputs read as such.</summary>
    public static Task<TabularData> LoadDataAsync(string path, ModelSignature signature, MissingValues missing, CancellationToken cancellationToken)
    {
        // A CSV has no types: read the columns the model takes as text or dates as such, and let
        // numbers be inferred, so a non-numeric value in a numeric input shows as a type mismatch.
        var overrides = new Dictionary<string, ColumnKind>(StringComparer.Ordinal);
        foreach (var input in FeatureColumn.FromSignature(signature).Where(f => f.Kind != ColumnKind.Numeric))
        {
            overrides[input.Name] = input.Kind;
        }

        return DataLoader.LoadAsync(path, overrides, missing, cancellationToken);
    }

    private static async Task<ValidateResult> ValidateAsync(ModelVersion version, string package, ValidateOptions request, CancellationToken cancellationToken)
    {
        var contents = await ModelPackage.ReadAsync(package, cancellationToken).ConfigureAwait(false);
        var task = await TaskDescriptor.ReadAsync(package, cancellationToken).ConfigureAwait(false);
        var signature = contents.Metadata.Signature;
        var truth = PackageEvaluator.TruthColumn(task);

        var table = await LoadDataAsync(request.DataPath, signature, request.Missing ?? task.Missing ?? MissingValues.Default, cancellationToken).ConfigureAwait(false);
        var digest = await DataDigest.ComputeAsync(request.DataPath, cancellationToken).ConfigureAwait(false);

        var incoming = table.Schema().Where(c => c.Key != truth && c.Key != task.Target).ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        var schema = SchemaGate.Validate(signature, incoming, request.Schema);

        var checks = new List<GateCheck>(schema.ToChecks());
        var training = await TrainingProfile.ReadAsync(package, cancellationToken).ConfigureAwait(false);
        var comparable = signature.Inputs
            .Where(i => incoming.TryGetValue(i.Name, out var type) && ColumnKinds.Of(type) == ColumnKinds.Of(i.Type))
            .Select(i => i.Name)
            .ToList();
        if (training is null)
        {
            checks.Add(Skipped(GateNames.Quality, "The model package has no training profile (data_profile.json; packages before Keel 0.5), so data quality was not checked."));
        }
        else if (comparable.Count == 0)
        {
            checks.Add(new GateCheck(GateNames.Quality, null, "comparable_columns", "0", ">= 1", GateOutcome.Failed, NoComparableColumns(signature, incoming)));
        }
        else
        {
            // Rows are counted from the file, not from the columns compared.
            var current = DataProfiler.Profile(TrainingProfile.Columns(table, comparable), training) with { RowCount = table.RowCount };
            var quality = QualityGate.Evaluate(training with { Columns = training.Columns.Where(c => comparable.Contains(c.Name)).ToList() }, current, request.Quality);
            checks.AddRange(quality.ToChecks());
        }

        IReadOnlyDictionary<string, double>? metrics = null;
        PackageEvaluation? evaluation = null;
        if (table.Find(truth) is null)
        {
            checks.Add(Skipped(GateNames.Metric, $"The data has no target column '{truth}', so the metric gates were not run."));
        }
        else if (!schema.Passed)
        {
            checks.Add(Skipped(GateNames.Metric, "The schema gate failed, so the model was not scored and the metric gates were not run."));
        }
        else
        {
            evaluation = await PackageEvaluator.EvaluateAsync(package, table, cancellationToken).ConfigureAwait(false);
            metrics = evaluation.Metrics;
            var thresholds = MetricThreshold.FromPerformanceThresholds(contents.Metadata.PerformanceThresholds)
                .Where(t => request.Thresholds.All(o => o.Metric != t.Metric))
                .Concat(request.Thresholds)
                .ToList();
            if (thresholds.Count == 0)
            {
                checks.Add(Skipped(GateNames.Metric, "Neither the model (performance_thresholds) nor --threshold sets a metric threshold."));
            }
            else
            {
                checks.AddRange(MetricGate.Evaluate(metrics, null, thresholds).ToChecks());
            }
        }

        return new ValidateResult(
            request.ModelUri,
            version.Name,
            version.Version,
            new ValidatedData(request.DataPath, digest, table.RowCount, evaluation?.Rows, evaluation?.SkippedRows),
            metrics,
            new GateReport(checks),
            null);
    }

    /// <summary>Stores the report as an artifact of the version's run and its status as version tags; returns the report's URI.</summary>
    private static async Task<string?> RecordAsync(TrainBackend backend, ModelVersion version, ValidateResult result, ValidateOptions request, CancellationToken cancellationToken)
    {
        var actor = new Actor(request.User, $"keel validate {Path.GetFileName(result.Data.Path)}: {result.Report.TagValue}");
        string? uri = null;
        if (!string.IsNullOrEmpty(version.RunId))
        {
            var run = await backend.Tracking.GetRunAsync(version.RunId, cancellationToken).ConfigureAwait(false);
            var path = "validation/validate-" + request.TimeProvider.GetUtcNow().ToString("yyyyMMdd'T'HHmmss'Z'", CultureInfo.InvariantCulture) + ".json";
            using var stream = new MemoryStream(JsonSerializer.SerializeToUtf8Bytes(result, ReportJson), writable: false);
            await backend.UploadAsync(run.Info, path, stream, cancellationToken).ConfigureAwait(false);
            uri = $"runs:/{version.RunId}/{path}";
        }

        await backend.Registry.SetModelVersionTagAsync(version.Name, version.Version, new ModelVersionTag(GateReport.TagKey, result.Report.TagValue), actor, cancellationToken).ConfigureAwait(false);
        if (uri is not null)
        {
            await backend.Registry.SetModelVersionTagAsync(version.Name, version.Version, new ModelVersionTag(TrainGates.ReportTag, uri), actor, cancellationToken).ConfigureAwait(false);
        }

        await backend.Registry.SetModelVersionTagAsync(version.Name, version.Version, new ModelVersionTag(KeelTags.ValidationDataDigest, result.Data.Digest), actor, cancellationToken).ConfigureAwait(false);
        return uri;
    }

    /// <summary>Names the mismatch when the data shares no usable column with the model's inputs.</summary>
    private static string NoComparableColumns(ModelSignature signature, IReadOnlyDictionary<string, ColumnType> incoming)
    {
        static string List(IEnumerable<string> names)
        {
            var all = names.ToList();
            var shown = string.Join(", ", all.Take(10).Select(n => $"'{n}'"));
            return all.Count > 10 ? $"{shown} and {all.Count - 10} more" : shown;
        }

        var sameName = signature.Inputs.Where(i => incoming.ContainsKey(i.Name)).ToList();
        return sameName.Count == 0
            ? $"None of the model's {signature.Inputs.Count} input columns ({List(signature.Inputs.Select(i => i.Name))}) is in the data, whose columns are {List(incoming.Keys)}."
            : $"No input column can be compared: {List(sameName.Select(i => $"{i.Name} ({i.Type.ToName()} in the model, {incoming[i.Name].ToName()} in the data)"))} differ in kind.";
    }

    private static GateCheck Skipped(string gate, string reason) => new(gate, null, "not_run", null, null, GateOutcome.Skipped, reason);
}

/// <summary>The data set validated.</summary>
/// <param name="Path">The file.</param>
/// <param name="Digest">Its SHA-256 content digest.</param>
/// <param name="Rows">Its rows.</param>
/// <param name="ScoredRows">Rows scored for the metric gates (with a known target), or null when not scored.</param>
/// <param name="UnscoredRows">Rows left out of scoring (missing or unknown target), or null.</param>
public sealed record ValidatedData(string Path, string Digest, int Rows, int? ScoredRows, int? UnscoredRows);

/// <summary>What a <see cref="ValidateSession"/> found: stored as the report, printed by <c>keel validate</c> (JSON with <c>--json</c>).</summary>
/// <param name="ModelUri">The model URI validated against.</param>
/// <param name="Name">The registered model it resolved to.</param>
/// <param name="Version">The version it resolved to.</param>
/// <param name="Data">The data set.</param>
/// <param name="Metrics">The metrics on the data when it was scored, else null.</param>
/// <param name="Report">The gates' report.</param>
/// <param name="ReportUri">Where the report was stored (<c>runs:/...</c>), or null when not recorded.</param>
public sealed record ValidateResult(
    string ModelUri,
    string Name,
    string Version,
    ValidatedData Data,
    IReadOnlyDictionary<string, double>? Metrics,
    GateReport Report,
    string? ReportUri);
