using System.Globalization;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation.Gates;
using Keel.ML.Pipeline;
using Keel.ML.Running;

namespace Keel.ML.Workflows;

/// <summary>
/// The train → log → gate → register workflow: checks the data, creates the run, trains the
/// pipeline, logs what MLflow's autolog would, evaluates the gates (against the champion when a
/// threshold asks for a change), and registers the model, applying the requested alias or stage
/// only when every gate passed. The CLI (<c>keel train</c>) and the server call it alike.
/// </summary>
/// <param name="options">What to train.</param>
/// <param name="progress">Where phases and warnings go; null for nowhere.</param>
public sealed class TrainSession(TrainOptions options, IWorkflowProgress? progress = null)
{
    private readonly PipelineDefinition pipeline = (options ?? throw new ArgumentNullException(nameof(options))).Pipeline;
    private readonly IWorkflowProgress _progress = progress ?? NullWorkflowProgress.Instance;

    /// <summary>Where the runner writes; null for a temporary folder deleted afterwards.</summary>
    public string? OutputDirectory => options.OutputDirectory;

    /// <summary>Whether to register the model (when the pipeline has a registration section).</summary>
    public bool Register => options.Register;

    /// <summary>
    /// Runs the workflow on <paramref name="backend"/>. The run ends FINISHED once trained and logged,
    /// whatever the gates said; FAILED (KILLED when cancelled) when training or logging failed.
    /// </summary>
    /// <returns>The run, its metrics, the gate report and what registration did.</returns>
    /// <exception cref="Core.Errors.KeelException">A data, pipeline or store error; a data error leaves no run behind.</exception>
    public async Task<TrainSummary> RunAsync(TrainBackend backend, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backend);
        {
            var user = options.User;
            // The data is checked before the experiment or run is created: a data error leaves nothing behind.
            var prepared = await TrainingRunner.PrepareAsync(pipeline, new SynchronousProgress(_progress.Step), cancellationToken).ConfigureAwait(false);
            _progress.Step($"starting run '{pipeline.Name}' in experiment '{pipeline.Experiment}' ({backend.Description})");
            var experimentId = await TrainTracking.EnsureExperimentAsync(backend.Tracking, pipeline.Experiment, cancellationToken).ConfigureAwait(false);
            var run = await backend.Tracking.CreateRunAsync(
                new CreateRunCommand(experimentId, user, pipeline.Name, Now(), TrainTracking.StartTags(pipeline, user)), cancellationToken).ConfigureAwait(false);
            options.RunCreated?.Invoke(run.Info.RunId);
            var temporary = OutputDirectory is null;
            var directory = OutputDirectory ?? Path.Combine(Path.GetTempPath(), "keel-train-" + run.Info.RunId);
            try
            {
                var summary = await TrainRunAsync(backend, prepared, run, directory, user, cancellationToken).ConfigureAwait(false);
                await backend.Tracking.UpdateRunAsync(run.Info.RunId, RunStatus.Finished, Now(), null, CancellationToken.None).ConfigureAwait(false);
                return summary;
            }
            catch (Exception e)
            {
                await EndRunAsync(backend.Tracking, run.Info.RunId, e is OperationCanceledException ? RunStatus.Killed : RunStatus.Failed).ConfigureAwait(false);
                throw;
            }
            finally
            {
                if (temporary && Directory.Exists(directory))
                {
                    Directory.Delete(directory, recursive: true);
                }
            }
        }
    }

    private async Task<TrainSummary> TrainRunAsync(TrainBackend backend, PreparedTrainingData prepared, Run run, string directory, string user, CancellationToken cancellationToken)
    {
        var runId = run.Info.RunId;
        var phases = new SynchronousProgress(_progress.Step);
        var result = await new TrainingRunner().RunAsync(
            prepared,
            new TrainingRunOptions { Pipeline = pipeline, OutputDirectory = directory, RunId = runId, CreatedBy = user, Progress = phases },
            cancellationToken).ConfigureAwait(false);
        _progress.Detail(string.Join(", ", result.Timings.Select(t => $"{t.Key} {t.Value.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)}s")));

        _progress.Step($"logging to run {runId}");
        var now = Now();
        await TrainTracking.LogResultAsync(backend.Tracking, runId, result, now, cancellationToken).ConfigureAwait(false);
        var children = await TrainTracking.LogSweepAsync(backend.Tracking, run, result, user, now, cancellationToken).ConfigureAwait(false);
        var artifacts = await TrainTracking.LogArtifactsAsync(backend, run.Info, result, cancellationToken).ConfigureAwait(false);
        await backend.LogModelAsync(runId, TrainTracking.ModelJson(result, runId, options.TimeProvider.GetUtcNow()), cancellationToken).ConfigureAwait(false);

        _progress.Step("checking gates" + (pipeline.Thresholds.Values.Any(t => t.HasChangeThreshold) ? $" (against {pipeline.Registration?.Champion})" : string.Empty));
        var (report, champion) = await TrainGates.EvaluateAsync(backend, result, cancellationToken).ConfigureAwait(false);
        await backend.Tracking.SetTagAsync(runId, new RunTag(GateReport.TagKey, report.TagValue), cancellationToken).ConfigureAwait(false);
        artifacts = [.. artifacts, await TrainTracking.UploadReportAsync(backend, run.Info, report, cancellationToken).ConfigureAwait(false)];
        foreach (var check in report.Checks.Where(c => c.Outcome == GateOutcome.Failed))
        {
            _progress.Warning("gate failed: " + check.Reason);
        }

        RegistrationResult? registration = null;
        if (Register && pipeline.Registration is not null)
        {
            _progress.Step($"registering '{pipeline.Registration.ModelName}'");
            var actor = new Actor(user, options.Comment ?? $"train {pipeline.Name}");
            registration = await TrainGates.RegisterAsync(backend.Registry, result, report, runId, actor, cancellationToken).ConfigureAwait(false);
            if (!registration.Applied && !report.Passed && (pipeline.Registration.Alias ?? pipeline.Registration.Stage) is not null)
            {
                _progress.Warning($"'{registration.Name}' version {registration.Version} registered with {GateReport.TagKey}={report.TagValue}; alias/stage not applied.");
            }
        }

        return new TrainSummary(
            runId,
            run.Info.ExperimentId,
            pipeline.Experiment,
            backend.Description,
            result.Data.Digest,
            result.Seed,
            result.Splits,
            result.CrossValidation is { } cv
                ? new Dictionary<string, IReadOnlyDictionary<string, double>>(result.Metrics) { ["cv_mean"] = cv.Mean, ["cv_std"] = cv.Std }
                : result.Metrics,
            report,
            champion,
            children,
            SweepBest.Of(result),
            artifacts,
            registration,
            OutputDirectory is null ? null : directory);
    }

    /// <summary>Marks the run ended; a store that cannot be reached must not hide the error that ended it.</summary>
    private async Task EndRunAsync(ITrackingStore tracking, string runId, RunStatus status)
    {
        try
        {
            await tracking.UpdateRunAsync(runId, status, Now(), null, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is HttpRequestException or Core.Errors.KeelException or TaskCanceledException)
        {
            // The original failure is reported; the run stays RUNNING on a store we cannot reach.
        }
    }

    private long Now() => options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
