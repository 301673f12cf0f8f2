using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Keel.Core.Predictions;
using Keel.ML.Packaging;

namespace Keel.Server.Serving;

/// <summary>
/// The prediction log's buffer and background writer. On the request path <see cref="Record"/> draws
/// the sample, serialises the request's inputs and outputs to UTF-8 into one pooled array (see
/// <see cref="PredictionLogSerializer"/>) and queues it without blocking. The buffer is bounded
/// twice, by requests (<see cref="PredictionLogOptions.Capacity"/>) and by bytes
/// (<see cref="PredictionLogOptions.MaxBufferBytes"/>): over either bound the request is dropped
/// from the log and counted by reason, never delayed. A background loop drains the buffer in
/// batches (up to <see cref="PredictionLogOptions.BatchSize"/> records or every
/// <see cref="PredictionLogOptions.FlushInterval"/>), hands each batch's bytes to the
/// <see cref="IPredictionStore"/> in one call and returns the arrays to the pool. A store failure is
/// counted and logged and never reaches a request. What is buffered is written on shutdown.
/// </summary>
/// <remarks>
/// The queue is a <see cref="ConcurrentQueue{T}"/>: its segments are released as it drains, so an
/// emptied queue holds no memory. When a backlog of more than <see cref="TrimAfterBytes"/> has
/// drained, the writer asks the runtime once for an aggressive collection (at most every
/// <see cref="TrimEvery"/>), which returns the freed heap to the operating system instead of
/// keeping it for a flood that is over.
/// </remarks>
public sealed partial class PredictionLogger : BackgroundService
{
    /// <summary>A drained backlog larger than this makes the writer return memory to the operating system.</summary>
    internal const long TrimAfterBytes = 32L * 1024 * 1024;

    /// <summary>Least time between two such returns.</summary>
    internal static readonly TimeSpan TrimEvery = TimeSpan.FromSeconds(30);

    private readonly ConcurrentQueue<PendingPrediction> _queue = new();
    private readonly IPredictionStore _store;
    private readonly PredictionLogOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PredictionLogger> _logger;
    private readonly IPredictionLogWriteObserver[] _observers;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private TaskCompletionSource _progress = NewProgress();
    private int _wakePending;
    private volatile bool _idle;
    private volatile bool _stopped;
    private long _count;
    private long _bytes;
    private long _peakBytes;
    private long _lastTrim; // 0: never, so the first drained backlog is trimmed at once
    private long _droppedFull;
    private long _droppedBytes;
    private long _droppedStopped;
    private long _written;
    private long _failed;
    private long _failedBatches;
    private long _trims;
    private int _flushWaiters;
    private long _dequeued;
    private long _completed;
    private volatile bool _writing;

    /// <summary>Creates the logger; <see cref="BackgroundService.StartAsync"/> starts its writer.</summary>
    /// <param name="store">Where batches are written.</param>
    /// <param name="options">The settings.</param>
    /// <param name="time">The clock that stamps records.</param>
    /// <param name="logger">Where write failures are reported.</param>
    /// <param name="observers">Told of every batch written, on the writer's thread (never the request path); null: none.</param>
    /// <exception cref="InvalidOperationException">The options are invalid.</exception>
    public PredictionLogger(IPredictionStore store, PredictionLogOptions options, TimeProvider time, ILogger<PredictionLogger> logger, IEnumerable<IPredictionLogWriteObserver>? observers = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger;
        _observers = observers?.ToArray() ?? [];
    }

    /// <summary>The settings in force.</summary>
    public PredictionLogOptions Options => _options;

    /// <summary>Records written to the store.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Requests not logged, for any reason (see <see cref="DroppedBy"/>).</summary>
    public long Dropped => DroppedBy(PredictionLogDropReason.QueueFull) + DroppedBy(PredictionLogDropReason.QueueBytes) + DroppedBy(PredictionLogDropReason.Stopped);

    /// <summary>Records lost because the store refused their batch or they could not be serialised.</summary>
    public long WriteFailures => Interlocked.Read(ref _failed);

    /// <summary>Batches the store refused.</summary>
    public long FailedBatches => Interlocked.Read(ref _failedBatches);

    /// <summary>Requests waiting in the buffer.</summary>
    public int QueueLength => (int)Math.Max(0, Interlocked.Read(ref _count));

    /// <summary>Bytes the buffer holds (the pooled arrays of the requests waiting), never above <see cref="PredictionLogOptions.MaxBufferBytes"/>.</summary>
    public long QueueBytes => Interlocked.Read(ref _bytes);

    /// <summary>Times the writer returned memory to the operating system after a drained backlog.</summary>
    public long MemoryTrims => Interlocked.Read(ref _trims);

    /// <summary>Requests not logged for <paramref name="reason"/>.</summary>
    public long DroppedBy(PredictionLogDropReason reason) => reason switch
    {
        PredictionLogDropReason.QueueFull => Interlocked.Read(ref _droppedFull),
        PredictionLogDropReason.QueueBytes => Interlocked.Read(ref _droppedBytes),
        PredictionLogDropReason.Stopped => Interlocked.Read(ref _droppedStopped),
        _ => 0,
    };

    /// <summary>
    /// Logs one served request (subject to sampling and the buffer's bounds) and never throws or
    /// blocks: the rows and predictions are serialised here, so they may change once it returns.
    /// </summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="model">The model that answered.</param>
    /// <param name="rows">The scored rows.</param>
    /// <param name="predictions">One prediction per row.</param>
    /// <param name="startTimestamp">A <see cref="Stopwatch.GetTimestamp"/> taken just before scoring.</param>
    /// <param name="deployment">The deployment the request was sent to; null outside a deployment.</param>
    /// <param name="arm">The deployment arm that answered (<see cref="DeploymentArms"/>); null outside a deployment.</param>
    /// <returns>Whether the request was queued (false: not sampled, disabled, dropped or not serialisable).</returns>
    public bool Record(
        string requestId,
        ServedModel model,
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows,
        IReadOnlyList<ModelPrediction> predictions,
        long startTimestamp,
        string? deployment = null,
        string? arm = null)
    {
        var latency = Stopwatch.GetElapsedTime(startTimestamp);
        if (!Admit())
        {
            return false;
        }

        byte[] buffer;
        int inputsLength, length;
        var columns = PredictionLogSerializer.Columns(model);
        try
        {
            buffer = PredictionLogSerializer.Serialize(rows, predictions, columns, _options.InputsMode, out inputsLength, out length, PredictionLogSerializer.Classes(model));
        }
        catch (Exception e)
        {
            // A request that cannot be serialised is lost alone; the request itself is not affected.
            SerializeFailed(e, requestId);
            return false;
        }

        return Enqueue(new PendingPrediction(
            requestId, model, columns, _time.GetUtcNow().ToUnixTimeMilliseconds(), (long)latency.TotalMicroseconds, rows.Count, buffer, inputsLength, length, deployment, arm));
    }

    /// <summary>
    /// Waits until everything buffered when it was called has been handed to the store (written or
    /// failed), cutting the current batch wait short. Returns at once when nothing is buffered; under
    /// steady traffic it does not wait for requests that arrive after the call.
    /// </summary>
    public async Task FlushAsync(CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _flushWaiters);
        try
        {
            // The buffer is FIFO: what is in it now is done once the writer has finished this many.
            // Count is read first, so a dequeue in between can only raise the target (the empty check ends that wait).
            var buffered = Interlocked.Read(ref _count);
            var target = Volatile.Read(ref _dequeued) + buffered;
            while (true)
            {
                var progress = Volatile.Read(ref _progress);
                if (Volatile.Read(ref _completed) >= target || (Interlocked.Read(ref _count) == 0 && !_writing))
                {
                    return;
                }

                Wake();
                await progress.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Interlocked.Decrement(ref _flushWaiters);
        }
    }

    private bool Drop(ref long counter)
    {
        Interlocked.Increment(ref counter);
        return false;
    }

    private void Wake()
    {
        // One release per wait: Record may call this on every request while the writer is idle.
        if (Interlocked.Exchange(ref _wakePending, 1) != 0)
        {
            return;
        }

        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
        catch (ObjectDisposedException)
        {
            // Shut down.
        }
    }

    private static TaskCompletionSource NewProgress() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    [LoggerMessage(EventId = 3000, Level = LogLevel.Warning, Message = "The prediction log could not write a batch of {Count} records; they are lost")]
    private static partial void LogWriteFailed(ILogger logger, Exception exception, int count);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "The prediction log could not serialise request {RequestId}; it is not logged")]
    private static partial void LogSerializeFailed(ILogger logger, Exception exception, string requestId);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "The prediction log's backlog (peak {PeakMegabytes} MiB) has drained; freed memory was returned to the operating system")]
    private static partial void LogMemoryReturned(ILogger logger, long peakMegabytes);

    [LoggerMessage(EventId = 3003, Level = LogLevel.Warning, Message = "A prediction log observer ({Observer}) failed on a written batch; the batch is written")]
    private static partial void LogObserverFailed(ILogger logger, Exception exception, string observer);
}
