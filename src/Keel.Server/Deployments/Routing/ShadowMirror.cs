using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Keel.Core.Predictions;
using Keel.Server.Serving;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// The shadow strategy's mirror: copies of requests the stable version answered wait in a bounded
/// queue (<see cref="DeploymentRoutingOptions.ShadowQueueCapacity"/>) for background scorers
/// (<see cref="DeploymentRoutingOptions.ShadowWorkers"/>) that score them on the deployment's
/// current candidate and log and observe the answer under the caller's request id with arm
/// <c>shadow</c>. The caller never waits for a copy: a copy that finds the queue full is dropped
/// and counted (metric and log), and a copy's failure reaches only the log and the observers.
/// While callers' work waits for the thread pool, or copies wait in the queue (the mirror would
/// take a whole core, and the caller's path is saturated), each worker
/// scores copies at most <see cref="DeploymentRoutingOptions.ShadowBusyShare"/> of its time
/// (<see cref="ShadowBudget"/>), so the mirror takes spare capacity and not the callers'; copies
/// it cannot score in time fill the queue and are dropped and counted. Copies still queued when the
/// server stops are counted as dropped too.
/// </summary>
internal sealed class ShadowMirror(
    DeploymentArmHost host,
    DeploymentAnswerRecorder recorder,
    DeploymentMetrics metrics,
    DeploymentRoutingOptions options,
    IServiceProvider services,
    TimeProvider time,
    ILogger<ShadowMirror> logger) : BackgroundService
{
    private readonly Channel<ShadowCopy> _queue = Channel.CreateBounded<ShadowCopy>(new BoundedChannelOptions(options.ShadowQueueCapacity)
    {
        FullMode = BoundedChannelFullMode.Wait, // TryWrite then refuses instead of blocking: the copy is dropped.
        SingleReader = options.ShadowWorkers == 1,
    });

    private readonly Lazy<PredictionLogger?> _log = new(services.GetService<PredictionLogger>);

    private long _dropped;
    private long _scored;

    /// <summary>Copies dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Copies scored (answered or failed).</summary>
    public long Scored => Interlocked.Read(ref _scored);

    /// <summary>Copies waiting.</summary>
    public int QueueLength => _queue.Reader.Count;

    /// <summary>Queues a copy without waiting; false (counted and logged) when the queue is full.</summary>
    public bool TryEnqueue(ShadowCopy copy)
    {
        if (_queue.Writer.TryWrite(copy))
        {
            return true;
        }

        Drop(copy);
        return false;
    }

    private void Drop(ShadowCopy copy)
    {
        var dropped = Interlocked.Increment(ref _dropped);
        metrics.ShadowDropped(copy.Deployment);
        if ((dropped & (dropped - 1)) == 0 || dropped % 10_000 == 0)
        {
            // The 1st, 2nd, 4th, 8th ... drop: a full queue is reported without flooding the log.
            RoutingLog.ShadowDropped(logger, copy.Deployment, dropped);
        }
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(Enumerable.Range(0, options.ShadowWorkers).Select(_ => Task.Run(() => DrainAsync(stoppingToken), CancellationToken.None)));

    private async Task DrainAsync(CancellationToken stoppingToken)
    {
        var budget = new ShadowBudget(options.ShadowBusyShare);
        try
        {
            await foreach (var copy in _queue.Reader.ReadAllAsync(stoppingToken).ConfigureAwait(false))
            {
                var start = Stopwatch.GetTimestamp();
                Score(copy);
                Interlocked.Increment(ref _scored);
                // Saturated: callers' work waits for a thread, or copies wait for this worker (it is taking a whole core).
                var rest = budget.Spent(start, Stopwatch.GetTimestamp(), saturated: ThreadPool.PendingWorkItemCount > 0 || _queue.Reader.Count > 0);
                if (rest > TimeSpan.Zero)
                {
                    await Task.Delay(rest, time, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: copies still queued are dropped with the process, and counted.
            while (_queue.Reader.TryRead(out var left))
            {
                Drop(left);
            }
        }
    }

    /// <summary>Scores one copy on the deployment's current candidate (none any more: the copy is skipped).</summary>
    internal void Score(ShadowCopy copy)
    {
        var table = host.TableOf(copy.Deployment);
        if (table is not { Candidate: { } candidate } || ArmTable.TryLease(candidate) is not { } lease)
        {
            return;
        }

        using (lease)
        {
            var start = Stopwatch.GetTimestamp();
            IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows = [];
            var withProbabilities = copy.Invocation.WithProbabilities;
            try
            {
                if (copy.Rows is { } parsedForStable && ReferenceEquals(copy.ParsedFor, table.Stable) && table.CandidateParsesAsStable)
                {
                    // The candidate reads requests as the stable version does: the caller's rows serve it as they are.
                    rows = parsedForStable;
                    withProbabilities = copy.WithProbabilities;
                }
                else if (copy.Infer is { } infer)
                {
                    var parsed = OpenInferenceApi.ParseInfer(candidate, infer, copy.Options);
                    rows = parsed.Rows;
                    withProbabilities = parsed.WithProbabilities;
                }
                else
                {
                    rows = ServingApi.ParseInvocation(copy.Invocation, candidate, copy.Options);
                }

                var scored = candidate.Predict(rows, copy.Options.StrictColumns, withProbabilities);
                recorder.Answered(_log.Value, start, copy.Deployment, DeploymentArms.Shadow, candidate, copy.RequestId, rows, scored.Predictions, (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                metrics.Record(copy.Deployment, DeploymentArms.Shadow, candidate.Version, Stopwatch.GetElapsedTime(start).TotalSeconds);
            }
            catch (Exception e)
            {
                // The stable version took this request, so whatever the candidate makes of it is the candidate's failure.
                recorder.Failed(copy.Deployment, DeploymentArms.Shadow, candidate, copy.RequestId, rows, (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds);
                metrics.Record(copy.Deployment, DeploymentArms.Shadow, candidate.Version, Stopwatch.GetElapsedTime(start).TotalSeconds, serverError: true);
                RoutingLog.ShadowFailed(logger, e, copy.Deployment, copy.RequestId, candidate.Version);
            }
        }
    }
}
