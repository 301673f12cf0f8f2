using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Models;
using Keel.Core.Tracking;
using Keel.Core.Validation.Gates;
using Keel.ML.Pipeline;
using Keel.ML.Running;

namespace Keel.ML.Workflows;

/// <summary>
/// Logs a <see cref="TrainingResult"/> to a run the way MLflow's autolog would: parameters, metrics
/// prefixed by split (<c>validation_accuracy_score</c>, <c>test_roc_auc</c>), the dataset input,
/// environment tags and the artifacts.
/// </summary>
public static class TrainTracking
{
    /// <summary>MLflow's batch limits.</summary>
    private const int MaxParamsPerBatch = 100;
    private const int MaxMetricsPerBatch = 1000;

    private static readonly JsonSerializerOptions ReportJson = new(KeelJson.Options) { WriteIndented = true };

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals };

    /// <summary>The experiment's id, creating it when missing.</summary>
    public static async Task<string> EnsureExperimentAsync(ITrackingStore store, string name, CancellationToken cancellationToken)
    {
        try
        {
            return (await store.GetExperimentByNameAsync(name, cancellationToken).ConfigureAwait(false)).ExperimentId;
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return await store.CreateExperimentAsync(name, null, null, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>The tags a training run starts with: source, pipeline and the environment's versions.</summary>
    public static List<RunTag> StartTags(PipelineDefinition pipeline, string user) =>
    [
        new(MlflowTags.SourceName, pipeline.SourcePath ?? pipeline.Name),
        new(MlflowTags.SourceType, "LOCAL"),
        new(MlflowTags.User, user),
        new(KeelTags.Pipeline, pipeline.Name),
        new(KeelTags.KeelVersion, ModelMetadata.CurrentKeelVersion),
        new(KeelTags.DotnetVersion, RuntimeInformation.FrameworkDescription),
    ];

    /// <summary>Logs everything but the artifacts.</summary>
    public static async Task LogResultAsync(ITrackingStore store, string runId, TrainingResult result, long timestamp, CancellationToken cancellationToken)
    {
        var parameters = Parameters(result);
        var metrics = Metrics(result.Metrics, timestamp);
        if (result.CrossValidation is { } cv)
        {
            metrics.AddRange(cv.ToMetrics().Where(m => double.IsFinite(m.Value)).Select(m => new Metric(m.Key, m.Value, timestamp, 0)));
        }

        var tags = new List<RunTag>
        {
            new(KeelTags.MlnetVersion, result.Metadata.Framework),
            new(KeelTags.DataDigest, result.Data.Digest),
        };
        await LogChunkedAsync(store, runId, metrics, parameters, tags, cancellationToken).ConfigureAwait(false);
        await store.LogInputsAsync(runId, Datasets(result), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads the package, plot, confusion matrix, importance and pipeline file (the gate report follows, once the gates ran).</summary>
    public static async Task<IReadOnlyList<string>> LogArtifactsAsync(TrainBackend backend, RunInfo run, TrainingResult result, CancellationToken cancellationToken)
    {
        var written = new List<string>(await backend.UploadDirectoryAsync(run, "model", result.PackageDirectory, cancellationToken).ConfigureAwait(false));
        if (result.Plot is not null && result.PlotFileName is not null)
        {
            written.Add(await UploadBytesAsync(backend, run, "plots/" + result.PlotFileName, result.Plot, cancellationToken).ConfigureAwait(false));
        }

        if (result.ConfusionMatrix is { } confusion)
        {
            var json = new { classes = confusion.Classes, matrix = confusion.Counts, split = "test" };
            written.Add(await UploadJsonAsync(backend, run, "confusion_matrix.json", json, cancellationToken).ConfigureAwait(false));
        }

        if (result.Pipeline.Importance != ImportanceMethod.None)
        {
            var importance = new
            {
                method = "permutation",
                split = result.Metrics.ContainsKey("validation") ? "validation" : "test",
                features = result.FeatureImportance.Select(f => new { feature = f.Feature, importance = f.Importance }),
            };
            written.Add(await UploadJsonAsync(backend, run, "feature_importance.json", importance, cancellationToken).ConfigureAwait(false));
        }
        written.Add(await UploadJsonAsync(backend, run, "metrics.json", result.Metrics, cancellationToken).ConfigureAwait(false));
        if (result.Pipeline.SourcePath is { } source && File.Exists(source))
        {
            await backend.UploadFileAsync(run, "pipeline.yaml", source, cancellationToken).ConfigureAwait(false);
            written.Add("pipeline.yaml");
        }

        return written;
    }

    /// <summary>Uploads the gate report to <see cref="GateReport.ArtifactPath"/> (Core's JSON form).</summary>
    public static Task<string> UploadReportAsync(TrainBackend backend, RunInfo run, GateReport report, CancellationToken cancellationToken) =>
        UploadBytesAsync(backend, run, GateReport.ArtifactPath, JsonSerializer.SerializeToUtf8Bytes(report, ReportJson), cancellationToken);

    /// <summary>
    /// The log-model record of the package at <c>model/</c>: MLflow's MLmodel fields with a <c>keel</c>
    /// flavour naming the package files.
    /// </summary>
    public static string ModelJson(TrainingResult result, string runId, DateTimeOffset now)
    {
        var keel = new Dictionary<string, object?>
        {
            ["keel_version"] = result.Metadata.KeelVersion,
            ["framework"] = result.Metadata.Framework,
            ["algorithm"] = result.Metadata.Algorithm,
            ["model_file"] = "model.zip",
            ["descriptor"] = "keel-model.json",
            ["input_example"] = "input_example.json",
        };
        if (result.OnnxPath is not null)
        {
            keel["onnx_file"] = Path.GetFileName(result.OnnxPath);
        }

        var model = new Dictionary<string, object?>
        {
            ["run_id"] = runId,
            ["artifact_path"] = "model",
            ["utc_time_created"] = now.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", CultureInfo.InvariantCulture),
            ["model_uuid"] = result.Metadata.Id,
            ["flavors"] = new Dictionary<string, object?> { ["keel"] = keel },
        };
        return JsonSerializer.Serialize(model);
    }

    /// <summary>One child run per sweep trial (tag <c>mlflow.parentRunId</c>), with its parameters and validation metrics.</summary>
    public static async Task<IReadOnlyList<string>> LogSweepAsync(ITrackingStore store, Run parent, TrainingResult result, string user, long timestamp, CancellationToken cancellationToken)
    {
        var children = new List<string>(result.SweepTrials.Count);
        foreach (var trial in result.SweepTrials)
        {
            var best = trial.Index == result.BestTrial;
            var child = await store.CreateRunAsync(
                new CreateRunCommand(parent.Info.ExperimentId, user, $"{result.Pipeline.Name}-trial-{trial.Index}", timestamp,
                [
                    new(MlflowTags.ParentRunId, parent.Info.RunId),
                    new(KeelTags.Pipeline, result.Pipeline.Name),
                    new(KeelTags.SweepTrial, trial.Index.ToString(CultureInfo.InvariantCulture)),
                    new(KeelTags.SweepBest, best ? "true" : "false"),
                ]),
                cancellationToken).ConfigureAwait(false);
            var parameters = trial.Parameters.Select(p => new Param(p.Key, Format(p.Value))).Append(new Param("trainer", result.Trainer)).ToList();
            var metrics = Metrics(new Dictionary<string, IReadOnlyDictionary<string, double>> { ["validation"] = trial.ValidationMetrics }, timestamp);
            await LogChunkedAsync(store, child.Info.RunId, metrics, parameters, [], cancellationToken).ConfigureAwait(false);
            await store.UpdateRunAsync(child.Info.RunId, RunStatus.Finished, timestamp, null, cancellationToken).ConfigureAwait(false);
            children.Add(child.Info.RunId);
        }

        return children;
    }

    /// <summary>The run's parameters: hyper-parameters (the best trial's after a sweep), trainer, task, split and sizes.</summary>
    public static List<Param> Parameters(TrainingResult result)
    {
        var pipeline = result.Pipeline;
        var list = result.Hyperparameters.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => new Param(p.Key, Format(p.Value))).ToList();
        list.AddRange(
        [
            new("trainer", result.Trainer),
            new("task", pipeline.Data.Task.ToString().ToLowerInvariant()),
            new("target", pipeline.Data.Target),
            new("seed", result.Seed.ToString(CultureInfo.InvariantCulture)),
            new("split_method", result.Splits.Method),
            new("split_train", Format(pipeline.Split.Train)),
            new("split_validation", Format(pipeline.Split.Validation)),
            new("split_test", Format(pipeline.Split.Test)),
            new("train_size", result.Splits.Train.ToString(CultureInfo.InvariantCulture)),
            new("validation_size", result.Splits.Validation.ToString(CultureInfo.InvariantCulture)),
            new("test_size", result.Splits.Test.ToString(CultureInfo.InvariantCulture)),
            new("data_rows", result.Data.RowCount.ToString(CultureInfo.InvariantCulture)),
            new("data_hash", result.Data.Digest),
        ]);
        if (pipeline.Sweep is { } sweep)
        {
            list.Add(new("sweep_method", sweep.Method.ToString().ToLowerInvariant()));
            list.Add(new("sweep_metric", sweep.Metric));
            list.Add(new("sweep_trials", result.SweepTrials.Count.ToString(CultureInfo.InvariantCulture)));
            list.Add(new("sweep_best_trial", result.BestTrial?.ToString(CultureInfo.InvariantCulture) ?? string.Empty));
        }

        return list;
    }

    /// <summary>
    /// Every split's metrics as <c>&lt;prefix&gt;_&lt;metric&gt;</c> with MLflow autolog's prefixes:
    /// <c>training_</c>, <c>validation_</c>, <c>test_</c>. Undefined values (NaN) are skipped.
    /// </summary>
    public static List<Metric> Metrics(IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> splits, long timestamp) =>
        splits.SelectMany(s => s.Value.Where(m => double.IsFinite(m.Value)).Select(m => new Metric($"{Prefix(s.Key)}_{m.Key}", m.Value, timestamp, 0)))
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .ToList();

    /// <summary>
    /// The run's dataset inputs: the training file (context <c>training</c>) and, with
    /// <c>data.test_path</c>, the separate test file (context <c>test</c>) with its own digest.
    /// </summary>
    public static IReadOnlyList<DatasetInput> Datasets(TrainingResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Data.TestFile is not { } test)
        {
            return [Dataset(result)];
        }

        var profile = new Dictionary<string, object>
        {
            ["num_rows"] = test.RowCount,
            ["num_elements"] = test.RowCount * result.Data.Schema.Count,
            ["sha256"] = test.Digest,
        };
        var dataset = new Dataset(
            Path.GetFileNameWithoutExtension(test.Path),
            ShortDigest(test.Digest),
            "local",
            JsonSerializer.Serialize(new Dictionary<string, string> { ["uri"] = new Uri(test.Path).AbsoluteUri }),
            Dataset(result).Dataset.Schema,
            JsonSerializer.Serialize(profile));
        return [Dataset(result), new DatasetInput([new InputTag(MlflowTags.DatasetContext, "test")], dataset)];
    }

    /// <summary>The training data as an MLflow dataset input (context <c>training</c>).</summary>
    public static DatasetInput Dataset(TrainingResult result)
    {
        var schema = new Dictionary<string, object>
        {
            ["mlflow_colspec"] = result.Data.Schema.Select(c => new Dictionary<string, string> { ["name"] = c.Key, ["type"] = c.Value.ToString().ToLowerInvariant() }).ToList(),
        };
        var profile = new Dictionary<string, object>
        {
            ["num_rows"] = result.Data.RowCount,
            ["num_elements"] = result.Data.RowCount * result.Data.Schema.Count,
            ["sha256"] = result.Data.Digest,
        };
        var dataset = new Dataset(
            Path.GetFileNameWithoutExtension(result.Data.Path),
            ShortDigest(result.Data.Digest),
            "local",
            JsonSerializer.Serialize(new Dictionary<string, string> { ["uri"] = new Uri(result.Data.Path).AbsoluteUri }),
            JsonSerializer.Serialize(schema),
            JsonSerializer.Serialize(profile));
        return new DatasetInput([new InputTag(MlflowTags.DatasetContext, "training")], dataset);
    }

    /// <summary>
    /// MLflow caps a dataset digest at 36 characters (its own digests are 8 hex digits), so the
    /// dataset input carries the first 32 hex digits of the SHA-256; the full <c>sha256:&lt;64 hex&gt;</c>
    /// is the run's <c>keel.data.digest</c> tag and the dataset profile's <c>sha256</c>.
    /// </summary>
    public static string ShortDigest(string digest)
    {
        var hex = digest.StartsWith("sha256:", StringComparison.Ordinal) ? digest["sha256:".Length..] : digest;
        return hex.Length > ShortDigestLength ? hex[..ShortDigestLength] : hex;
    }

    /// <summary>Hex digits of the SHA-256 kept in the dataset input's digest.</summary>
    public const int ShortDigestLength = 32;

    /// <summary>The metric prefix of a runner split key (<c>train</c> is logged as MLflow's <c>training</c>).</summary>
    public static string Prefix(string split) => split == "train" ? "training" : split;

    public static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    private static async Task LogChunkedAsync(ITrackingStore store, string runId, List<Metric> metrics, List<Param> parameters, List<RunTag> tags, CancellationToken cancellationToken)
    {
        var m = 0;
        var p = 0;
        var first = true;
        while (first || m < metrics.Count || p < parameters.Count)
        {
            var metricChunk = metrics.Skip(m).Take(MaxMetricsPerBatch).ToList();
            var paramChunk = parameters.Skip(p).Take(MaxParamsPerBatch).ToList();
            await store.LogBatchAsync(runId, metricChunk, paramChunk, first ? tags : [], cancellationToken).ConfigureAwait(false);
            m += metricChunk.Count;
            p += paramChunk.Count;
            first = false;
        }
    }

    private static async Task<string> UploadBytesAsync(TrainBackend backend, RunInfo run, string path, byte[] bytes, CancellationToken cancellationToken)
    {
        using var stream = new MemoryStream(bytes, writable: false);
        await backend.UploadAsync(run, path, stream, cancellationToken).ConfigureAwait(false);
        return path;
    }

    private static Task<string> UploadJsonAsync<T>(TrainBackend backend, RunInfo run, string path, T value, CancellationToken cancellationToken) =>
        UploadBytesAsync(backend, run, path, JsonSerializer.SerializeToUtf8Bytes(value, Indented), cancellationToken);
}
