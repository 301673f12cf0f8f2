using System.Globalization;
using Keel.Cli.Infrastructure;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation.Gates;
using Keel.ML.Pipeline;
using Keel.ML.Running;

namespace Keel.Cli.Train;

/// <summary>One <c>keel train</c> invocation: create the run, train, log, gate, register, summarise.</summary>
internal sealed class TrainSession(CliSettings settings, CliOutput output, PipelineDefinition pipeline, string pipelineFileName)
{
    private readonly TrainProgress _progress = new(output);

    /// <summary>Where the runner writes; null for a temporary folder deleted afterwards.</summary>
    public string? OutputDirectory { get; init; }

    /// <summary>Whether to register the model (when the pipeline has a registration section).</summary>
    public bool Register { get; init; } = true;

    /// <summary>Trains under the progress display, then prints the summary (after the spinner is gone).</summary>
    public async Task<int> RunAsync(TrainStore store, CancellationToken cancellationToken)
    {
        var summary = await _progress.RunAsync(() => TrainAsync(store, cancellationToken)).ConfigureAwait(false);
        output.WriteResult(summary, s =>
        {
            output.WriteLine(string.Empty);
            s.Write(output);
        });
        return summary.ExitCode;
    }

    private async Task<TrainSummary> TrainAsync(TrainStore store, CancellationToken cancellationToken)
    {
        var backend = store.Open();
        await using (backend.ConfigureAwait(false))
        {
            var user = settings.GetEnvironmentVariable("KEEL_USER") ?? settings.GetEnvironmentVariable("USER") ?? settings.GetEnvironmentVariable("USERNAME") ?? "keel";
            // The data is checked before the experiment or run is created: a data error leaves nothing behind.
            var prepared = await TrainingRunner.PrepareAsync(pipeline, new SynchronousProgress(_progress.Step), cancellationToken).ConfigureAwait(false);
            _progress.Step($"starting run '{pipeline.Name}' in experiment '{pipeline.Experiment}' ({backend.Description})");
            var experimentId = await TrainTracking.EnsureExperimentAsync(backend.Tracking, pipeline.Experiment, cancellationToken).ConfigureAwait(false);
            var run = await backend.Tracking.CreateRunAsync(
                new CreateRunCommand(experimentId, user, pipeline.Name, Now(), TrainTracking.StartTags(pipeline, user)), cancellationToken).ConfigureAwait(false);
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
        await backend.LogModelAsync(runId, TrainTracking.ModelJson(result, runId, TimeProvider.System.GetUtcNow()), cancellationToken).ConfigureAwait(false);

        _progress.Step("checking gates" + (pipeline.Thresholds.Values.Any(t => t.HasChangeThreshold) ? $" (against {pipeline.Registration?.Champion})" : string.Empty));
        var (report, champion) = await TrainGates.EvaluateAsync(backend, result, cancellationToken).ConfigureAwait(false);
        await backend.Tracking.SetTagAsync(runId, new RunTag(GateReport.TagKey, report.TagValue), cancellationToken).ConfigureAwait(false);
        artifacts = [.. artifacts, await TrainTracking.UploadReportAsync(backend, run.Info, report, cancellationToken).ConfigureAwait(false)];
        foreach (var check in report.Checks.Where(c => c.Outcome == GateOutcome.Failed))
        {
            settings.Error.WriteLine("gate failed: " + check.Reason);
        }

        RegistrationResult? registration = null;
        if (Register && pipeline.Registration is not null)
        {
            _progress.Step($"registering '{pipeline.Registration.ModelName}'");
            var actor = new Actor(user, $"keel train {pipelineFileName}");
            registration = await TrainGates.RegisterAsync(backend.Registry, result, report, runId, actor, cancellationToken).ConfigureAwait(false);
            if (!registration.Applied && !report.Passed && (pipeline.Registration.Alias ?? pipeline.Registration.Stage) is not null)
            {
                settings.Error.WriteLine($"'{registration.Name}' version {registration.Version} registered with {GateReport.TagKey}={report.TagValue}; alias/stage not applied.");
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
            OutputDirectory is null ? null : directory,
            report.Passed ? TrainCommand.Passed : TrainCommand.GateFailed);
    }

    /// <summary>Marks the run ended; a store that cannot be reached must not hide the error that ended it.</summary>
    private static async Task EndRunAsync(ITrackingStore tracking, string runId, RunStatus status)
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

    private static long Now() => TimeProvider.System.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Reports on the caller's thread, in order (<see cref="Progress{T}"/> would post to the thread pool).</summary>
    private sealed class SynchronousProgress(Action<string> report) : IProgress<string>
    {
        public void Report(string value) => report(value);
    }
}
