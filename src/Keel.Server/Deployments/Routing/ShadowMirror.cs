using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Keel.Server.Serving;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// The shadow strategy's mirror: copies of requests the stable version answered wait in a bounded
/// queue (<see cref="DeploymentRoutingOptions.ShadowQueueCapacity"/>) for background scorers
/// (<see cref="DeploymentRoutingOptions.ShadowWorkers"/>) that score them on the deployment's
/// current candidate and log and observe the answer under the caller's request id with arm
/// <c>shadow</c>. The caller never waits for a copy: a copy that finds the queue full is dropped
/// and counted (metric and log), and a copy's failure reaches only the log and the observers.
/// </summary>
/// <remarks>
/// <para>
/// Each scorer is a dedicated thread, not thread-pool work: it never takes a pool thread from the
/// callers, and copies are handed to it through a lock-free queue without a wake-up per copy. An
/// idle scorer is woken by the first copy; once woken it lingers <see cref="Linger"/> so copies
/// gather, and scores what waits in batches of up to
/// <see cref="DeploymentRoutingOptions.ShadowBatchSize"/>: the copies of one deployment that read
/// alike share one lease and one scoring call on the candidate (rows in arrival order), and each is
/// then logged and observed on its own under its request id. A batch the candidate refuses is scored
/// again copy by copy, so one bad copy fails alone.
/// </para>
/// <para>
/// While callers' work waits for the thread pool, or a full batch already waits for the scorer (the
/// mirror would take a whole core), each scorer scores at most
/// <see cref="DeploymentRoutingOptions.ShadowBusyShare"/> of its time (<see cref="ShadowBudget"/>),
/// so the mirror takes spare capacity and not the callers'; copies it cannot score in time fill the
/// queue and are dropped and counted. Copies still queued when the server stops are counted as
/// dropped too.
/// </para>
/// </remarks>
internal sealed partial class ShadowMirror(
    DeploymentArmHost host,
    DeploymentAnswerRecorder recorder,
    DeploymentMetrics metrics,
    DeploymentRoutingOptions options,
    IServiceProvider services,
    ILogger<ShadowMirror> logger) : BackgroundService
{
    /// <summary>How long a woken (or just emptied) scorer waits for copies to gather before it scores or sleeps.</summary>
    internal static readonly TimeSpan Linger = TimeSpan.FromMilliseconds(1);

    private readonly ConcurrentQueue<ShadowCopy> _queue = new();

    // Set once copies wait while a scorer is idle; a scorer resets it before it looks again. No spinning: the scorer is not on the callers' path.
    private readonly ManualResetEventSlim _wake = new(initialState: false, spinCount: 0);

    // Set when the server stops: ends the scorers' lingers and rests.
    private readonly ManualResetEventSlim _stopping = new(initialState: false, spinCount: 0);

    private readonly Lazy<PredictionLogger?> _log = new(services.GetService<PredictionLogger>);

    private long _dropped;
    private long _scored;
    private long _pending; // copies taken and not yet scored: queued, or in a batch being scored
    private int _idleWorkers;

    /// <summary>Copies dropped because the queue was full.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Copies scored (answered or failed).</summary>
    public long Scored => Interlocked.Read(ref _scored);

    /// <summary>Copies waiting, or being scored.</summary>
    public int QueueLength => (int)Math.Max(0, Interlocked.Read(ref _pending));

    /// <summary>Queues a copy without waiting; false (counted and logged) when the queue is full.</summary>
    public bool TryEnqueue(ShadowCopy copy)
    {
        if (Interlocked.Increment(ref _pending) > options.ShadowQueueCapacity)
        {
            Interlocked.Decrement(ref _pending);
            Drop(copy);
            return false;
        }

        _queue.Enqueue(copy);

        // The increment above is a full fence, as is the scorer's before it looks at the queue a last time.
        if (Volatile.Read(ref _idleWorkers) > 0 && !_wake.IsSet)
        {
            _wake.Set();
        }

        return true;
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

    /// <inheritdoc/>
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var workers = new Task[options.ShadowWorkers];
        for (var i = 0; i < workers.Length; i++)
        {
            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var thread = new Thread(() =>
            {
                try
                {
                    Work(stoppingToken);
                    done.SetResult();
                }
                catch (Exception e)
                {
                    done.SetException(e);
                }
            })
            {
                IsBackground = true,
                Name = $"keel-shadow-{i}",
            };
            thread.Start();
            workers[i] = done.Task;
        }

        var registration = stoppingToken.Register(static state => ((ManualResetEventSlim)state!).Set(), _stopping);
        return Task.WhenAll(workers).ContinueWith(_ => registration.Dispose(), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <inheritdoc/>
    public override void Dispose()
    {
        base.Dispose();
        _wake.Dispose();
        _stopping.Dispose();
    }

    /// <summary>One scorer: takes batches, scores them, rests when the budget says so, sleeps when nothing waits.</summary>
    private void Work(CancellationToken stoppingToken)
    {
        var budget = new ShadowBudget(options.ShadowBusyShare);
        var batch = new List<ShadowCopy>(options.ShadowBatchSize);
        var rows = new List<IReadOnlyDictionary<string, JsonElement>>();
        var lingered = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            while (batch.Count < options.ShadowBatchSize && _queue.TryDequeue(out var copy))
            {
                batch.Add(copy);
            }

            if (batch.Count == 0)
            {
                if (!lingered)
                {
                    // One timed wait lets copies gather, instead of one wake-up per copy.
                    lingered = true;
                    _stopping.Wait(Linger, CancellationToken.None); // ended early by the registration ExecuteAsync makes
                    continue;
                }

                Sleep(stoppingToken);
                lingered = false;
                continue;
            }

            lingered = false;
            var start = Stopwatch.GetTimestamp();
            ScoreBatch(batch, rows);
            var end = Stopwatch.GetTimestamp();
            Interlocked.Add(ref _scored, batch.Count);
            Interlocked.Add(ref _pending, -batch.Count);
            batch.Clear();

            // Saturated: callers' work waits for a thread, or a full batch waits for this scorer (it is taking a whole core).
            var saturated = ThreadPool.PendingWorkItemCount > 0 || Interlocked.Read(ref _pending) >= options.ShadowBatchSize;
            var rest = budget.Spent(start, end, saturated);
            if (rest > TimeSpan.Zero)
            {
                _stopping.Wait(rest, CancellationToken.None);
            }
        }

        // Stopping: copies still queued are dropped with the process, and counted.
        while (_queue.TryDequeue(out var left))
        {
            Interlocked.Decrement(ref _pending);
            Drop(left);
        }
    }

    /// <summary>Waits, without spinning, until a copy is queued or the server stops.</summary>
    private void Sleep(CancellationToken stoppingToken)
    {
        Interlocked.Increment(ref _idleWorkers); // a full fence: TryEnqueue sees the idle scorer, or this sees its copy
        try
        {
            if (_queue.IsEmpty)
            {
                _wake.Wait(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: the loop ends.
        }
        finally
        {
            _wake.Reset();
            Interlocked.Decrement(ref _idleWorkers);
        }
    }
}
