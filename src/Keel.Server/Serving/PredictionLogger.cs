using System.Diagnostics;
using System.Text.Json;
using System.Threading.Channels;
using Keel.Core.Predictions;
using Keel.ML.Packaging;

namespace Keel.Server.Serving;

/// <summary>
/// The prediction log's buffer and background writer. The request path only draws the sample and
/// does one non-blocking write to a bounded channel (<see cref="Record"/>); when the channel is full
/// the request is dropped from the log and counted, never delayed. A background loop drains the
/// channel in batches (up to <see cref="PredictionLogOptions.BatchSize"/> records or every
/// <see cref="PredictionLogOptions.FlushInterval"/>), turns inputs and outputs into JSON on its own
/// thread, and appends each batch to the <see cref="IPredictionStore"/> in one call. A store failure
/// is counted and logged and never reaches a request. What is buffered is written on shutdown.
/// </summary>
public sealed partial class PredictionLogger : BackgroundService
{
    private readonly Channel<PendingPrediction> _channel;
    private readonly IPredictionStore _store;
    private readonly PredictionLogOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<PredictionLogger> _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private TaskCompletionSource _progress = NewProgress();
    private long _dropped;
    private long _written;
    private long _failed;
    private long _failedBatches;
    private int _flushWaiters;
    private long _dequeued;
    private long _completed;
    private volatile bool _writing;

    /// <summary>Creates the logger; <see cref="BackgroundService.StartAsync"/> starts its writer.</summary>
    /// <exception cref="InvalidOperationException">The options are invalid.</exception>
    public PredictionLogger(IPredictionStore store, PredictionLogOptions options, TimeProvider time, ILogger<PredictionLogger> logger)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _store = store;
        _options = options;
        _time = time ?? TimeProvider.System;
        _logger = logger;
        _channel = Channel.CreateBounded<PendingPrediction>(new BoundedChannelOptions(options.Capacity)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: refuse when full, so the drop is ours to count
            SingleReader = true,
            SingleWriter = false,
        });
    }

    /// <summary>The settings in force.</summary>
    public PredictionLogOptions Options => _options;

    /// <summary>Records written to the store.</summary>
    public long Written => Interlocked.Read(ref _written);

    /// <summary>Requests not logged because the buffer was full (or the logger was stopping).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Records lost because the store refused their batch.</summary>
    public long WriteFailures => Interlocked.Read(ref _failed);

    /// <summary>Batches the store refused.</summary>
    public long FailedBatches => Interlocked.Read(ref _failedBatches);

    /// <summary>Requests waiting in the buffer.</summary>
    public int QueueLength => _channel.Reader.Count;

    /// <summary>
    /// Logs one served request (subject to sampling): cheap and non-blocking. The rows and predictions
    /// are kept as they are and serialised later on the writer thread, so they must not change afterwards.
    /// </summary>
    /// <param name="requestId">The request id.</param>
    /// <param name="model">The model that answered.</param>
    /// <param name="rows">The scored rows.</param>
    /// <param name="predictions">One prediction per row.</param>
    /// <param name="startTimestamp">A <see cref="Stopwatch.GetTimestamp"/> taken just before scoring.</param>
    /// <returns>Whether the request was queued (false: not sampled, disabled, or dropped).</returns>
    public bool Record(
        string requestId,
        ServedModel model,
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows,
        IReadOnlyList<ModelPrediction> predictions,
        long startTimestamp)
    {
        var latency = Stopwatch.GetElapsedTime(startTimestamp);
        if (!_options.Enabled || (_options.SampleRate < 1.0 && Random.Shared.NextDouble() >= _options.SampleRate))
        {
            return false;
        }

        var pending = new PendingPrediction(requestId, model, rows, predictions, _time.GetUtcNow().ToUnixTimeMilliseconds(), (long)latency.TotalMicroseconds);
        if (_channel.Writer.TryWrite(pending))
        {
            return true;
        }

        Interlocked.Increment(ref _dropped);
        return false;
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
            var buffered = _channel.Reader.Count;
            var target = Volatile.Read(ref _dequeued) + buffered;
            while (true)
            {
                var progress = Volatile.Read(ref _progress);
                if (Volatile.Read(ref _completed) >= target || (_channel.Reader.Count == 0 && !_writing))
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

    /// <summary>Stops taking requests, writes what is buffered, then stops the writer.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _channel.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // The host may cancel ExecuteAsync before it ever ran (stopped right after starting): then
        // the buffer is written here, once the loop is known not to be running.
        if ((ExecuteTask is null || ExecuteTask.IsCompleted) && _channel.Reader.Count > 0)
        {
            using var serializer = new PredictionLogSerializer();
            var batch = new List<PredictionLogRecord>();
            while (_channel.Reader.Count > 0)
            {
                await WriteBatchAsync(serializer, batch).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _channel.Writer.TryComplete();
        _wake.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var reader = _channel.Reader;
        using var serializer = new PredictionLogSerializer();
        var batch = new List<PredictionLogRecord>(Math.Min(_options.BatchSize, 16_384));

        // Runs until the channel is completed (StopAsync) and drained: buffered records survive shutdown.
        while (await reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
        {
            if (!stoppingToken.IsCancellationRequested && reader.Count < _options.BatchSize && Volatile.Read(ref _flushWaiters) == 0)
            {
                try
                {
                    await _wake.WaitAsync(_options.FlushInterval, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Stopping: write what is there without waiting.
                }
            }

            await WriteBatchAsync(serializer, batch).ConfigureAwait(false);
        }
    }

    /// <summary>Reads up to a batch from the buffer, serialises it and hands it to the store.</summary>
    private async Task WriteBatchAsync(PredictionLogSerializer serializer, List<PredictionLogRecord> batch)
    {
        _writing = true;
        try
        {
            while (batch.Count < _options.BatchSize && _channel.Reader.TryRead(out var pending))
            {
                Volatile.Write(ref _dequeued, _dequeued + 1);
                try
                {
                    batch.Add(serializer.ToRecord(pending));
                }
                catch (Exception e)
                {
                    // A record that cannot be serialised is lost alone; the writer goes on.
                    Interlocked.Increment(ref _failed);
                    LogSerializeFailed(_logger, e, pending.RequestId);
                }
            }

            await WriteAsync(batch).ConfigureAwait(false);
        }
        finally
        {
            batch.Clear();
            Volatile.Write(ref _completed, _dequeued);
            _writing = false;
            Interlocked.Exchange(ref _progress, NewProgress()).TrySetResult();
        }
    }

    private async Task WriteAsync(List<PredictionLogRecord> batch)
    {
        if (batch.Count == 0)
        {
            return;
        }

        try
        {
            await _store.AppendAsync(batch, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Add(ref _written, batch.Count);
        }
        catch (Exception e)
        {
            Interlocked.Add(ref _failed, batch.Count);
            Interlocked.Increment(ref _failedBatches);
            LogWriteFailed(_logger, e, batch.Count);
        }
    }

    private void Wake()
    {
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
}

/// <summary>A request waiting in the buffer: references only; JSON is made on the writer thread.</summary>
internal readonly record struct PendingPrediction(
    string RequestId,
    ServedModel Model,
    IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> Rows,
    IReadOnlyList<ModelPrediction> Predictions,
    long TimestampMs,
    long LatencyMicroseconds);
