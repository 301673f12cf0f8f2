using Keel.Core.Errors;
using Keel.Core.Monitoring;
using Keel.Core.Tracking;
using Keel.ML.Pipeline;

namespace Keel.ML.Workflows;

/// <summary>
/// <see cref="IRetrainer"/> over <see cref="TrainSession"/>, the workflow behind <c>keel train</c>:
/// the pipeline file is read from under <see cref="PipelineRoot"/> only (a monitor names it, the
/// host decides where pipelines may live), and the run is tagged with the retraining job and the
/// alert that started it.
/// </summary>
/// <param name="backend">Opens the host's own stores for one training (disposed afterwards).</param>
/// <param name="pipelineRoot">The folder pipeline files are read from; a relative name resolves against it, and a path outside it is refused.</param>
/// <param name="time">The clock of the runs.</param>
public sealed class PipelineRetrainer(Func<TrainBackend> backend, string pipelineRoot, TimeProvider time) : IRetrainer
{
    /// <summary>The run tag naming the retraining job.</summary>
    public const string JobTag = "keel.retrain.job";

    /// <summary>The run tag naming the alert that started the retraining.</summary>
    public const string ReasonTag = "keel.retrain.reason";

    /// <summary>The folder pipeline files are read from (full path).</summary>
    public string PipelineRoot { get; } = Path.GetFullPath(pipelineRoot ?? throw new ArgumentNullException(nameof(pipelineRoot)));

    /// <inheritdoc />
    public async Task<string> CheckAsync(string model, string pipeline, CancellationToken cancellationToken = default)
    {
        var path = Resolve(pipeline);
        await ParseAsync(model, path, cancellationToken).ConfigureAwait(false);
        return path;
    }

    /// <inheritdoc />
    public async Task<RetrainResult> TrainAsync(RetrainRequest request, IRetrainProgress progress, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(progress);
        var definition = await ParseAsync(request.Model, Resolve(request.Pipeline), cancellationToken).ConfigureAwait(false);
        var stores = backend();
        Task tagged = Task.CompletedTask;
        var session = new TrainSession(
            new TrainOptions
            {
                Pipeline = definition,
                Register = true,
                User = request.User,
                Comment = request.Comment,
                TimeProvider = time,
                RunCreated = id =>
                {
                    // Tagged as it starts, so a runs search by job finds the run while it trains.
                    tagged = TagAsync(stores.Tracking, id, request);
                    progress.RunStarted(id);
                },
            },
            new Progress(progress));
        await using (stores.ConfigureAwait(false))
        {
            try
            {
                var summary = await session.RunAsync(stores, cancellationToken).ConfigureAwait(false);
                return new RetrainResult(summary.RunId, summary.Registration?.Version, summary.Passed, summary.Gates.TagValue, summary.Registration?.Applied ?? false);
            }
            finally
            {
                await tagged.ConfigureAwait(false);
            }
        }
    }

    /// <summary>The pipeline's full path, confined to <see cref="PipelineRoot"/>.</summary>
    private string Resolve(string pipeline)
    {
        if (string.IsNullOrWhiteSpace(pipeline) || pipeline.Contains('\0', StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter("A retrain action needs a pipeline file.");
        }

        var full = Path.GetFullPath(Path.Combine(PipelineRoot, pipeline));
        var root = PipelineRoot.EndsWith(Path.DirectorySeparatorChar) ? PipelineRoot : PipelineRoot + Path.DirectorySeparatorChar;
        if (!full.StartsWith(root, StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter($"Pipeline '{pipeline}' is outside the server's pipeline folder ({PipelineRoot}); name a file under it.");
        }

        return File.Exists(full) ? full : throw KeelException.InvalidParameter($"Pipeline '{pipeline}' does not exist in the server's pipeline folder ({PipelineRoot}).");
    }

    private static async Task<PipelineDefinition> ParseAsync(string model, string path, CancellationToken cancellationToken)
    {
        var definition = await PipelineParser.ParseFileAsync(path, cancellationToken).ConfigureAwait(false);
        if (definition.Registration is not { } registration)
        {
            throw KeelException.InvalidParameter($"Pipeline {path} registers no model (no 'registration' section); retraining '{model}' needs one that registers it.");
        }

        return registration.ModelName == model
            ? definition
            : throw KeelException.InvalidParameter($"Pipeline {path} registers '{registration.ModelName}', not '{model}' whose alert asks for retraining.");
    }

    /// <summary>Marks the run as a retraining; a failure here must not hide what training did.</summary>
    private static async Task TagAsync(ITrackingStore tracking, string runId, RetrainRequest request)
    {
        await Task.Yield(); // Off the session's thread: training goes on meanwhile.
        try
        {
            await tracking.SetTagAsync(runId, new RunTag(JobTag, request.JobId), CancellationToken.None).ConfigureAwait(false);
            await tracking.SetTagAsync(runId, new RunTag(ReasonTag, request.Comment), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception e) when (e is KeelException or HttpRequestException)
        {
            // The job's status still names the run; the tags are a convenience for searching runs.
        }
    }

    private sealed class Progress(IRetrainProgress target) : IWorkflowProgress
    {
        public void Step(string text) => target.Report(text);

        public void Detail(string text) => target.Report(text);

        public void Warning(string text) => target.Report("warning: " + text);
    }
}
