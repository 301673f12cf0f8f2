using System.Buffers;
using System.Diagnostics;
using Keel.Core.Predictions;

namespace Keel.Server.Serving;

// The background writer: drains the buffer in batches into the store, returns the pooled arrays,
// and gives memory back once a backlog has drained.
public sealed partial class PredictionLogger
{
    /// <summary>Stops taking requests, writes what is buffered, then stops the writer.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _stopped = true;
        Wake();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);

        // The host may cancel ExecuteAsync before it ever ran (stopped right after starting): then
        // the buffer is written here, once the loop is known not to be running.
        if (ExecuteTask is null || ExecuteTask.IsCompleted)
        {
            var batch = new List<PendingPrediction>();
            while (!_queue.IsEmpty)
            {
                await WriteBatchAsync(batch).ConfigureAwait(false);
            }
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _stopped = true;
        _wake.Dispose();
        base.Dispose();
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        var batch = new List<PendingPrediction>(Math.Min(_options.BatchSize, 16_384));

        // Runs until stopped and drained: buffered records survive shutdown.
        while (true)
        {
            if (_queue.IsEmpty)
            {
                if (_stopped)
                {
                    return;
                }

                // Idle: Record wakes the writer for the next request (the flag is re-checked after it is set).
                _idle = true;
                Interlocked.MemoryBarrier(); // the flag is seen before the queue is read again (pairs with Enqueue's fence in Record)
                if (_queue.IsEmpty && !_stopped)
                {
                    await WaitAsync(Timeout.InfiniteTimeSpan, stoppingToken).ConfigureAwait(false);
                }

                _idle = false;
                continue;
            }

            // Let a batch fill, unless one is full, a flush waits or the host is stopping.
            if (!_stopped && Interlocked.Read(ref _count) < _options.BatchSize && Volatile.Read(ref _flushWaiters) == 0)
            {
                await WaitAsync(_options.FlushInterval, stoppingToken).ConfigureAwait(false);
            }

            await WriteBatchAsync(batch).ConfigureAwait(false);
            TrimIfDrained();
        }
    }

    private async Task WaitAsync(TimeSpan timeout, CancellationToken stoppingToken)
    {
        try
        {
            await _wake.WaitAsync(timeout, stoppingToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopping: write what is there without waiting.
            _stopped = true;
        }

        Volatile.Write(ref _wakePending, 0);
    }

    /// <summary>Takes up to a batch from the buffer, hands its bytes to the store and returns the arrays to the pool.</summary>
    private async Task WriteBatchAsync(List<PendingPrediction> batch)
    {
        _writing = true;
        var entries = new PredictionLogEntry[Math.Min(_options.BatchSize, Math.Max(1, QueueLength))];
        var n = 0;
        try
        {
            while (n < entries.Length && _queue.TryDequeue(out var pending))
            {
                batch.Add(pending);
                Volatile.Write(ref _dequeued, _dequeued + 1);
                entries[n++] = new PredictionLogEntry(
                    pending.RequestId,
                    pending.Model.Name,
                    pending.Model.Version,
                    pending.TimestampMs,
                    pending.LatencyMicroseconds,
                    pending.RowCount,
                    pending.Columns,
                    pending.Buffer.AsMemory(0, pending.InputsLength),
                    pending.Buffer.AsMemory(pending.InputsLength, pending.Length - pending.InputsLength))
                {
                    Deployment = pending.Deployment,
                    Arm = pending.Arm,
                    ErrorCode = pending.ErrorCode,
                };
            }

            await WriteAsync(n == entries.Length ? entries : entries[..n]).ConfigureAwait(false);
        }
        finally
        {
            long released = 0;
            foreach (var pending in batch)
            {
                released += pending.Buffer.Length;
                ArrayPool<byte>.Shared.Return(pending.Buffer);
            }

            Interlocked.Add(ref _count, -batch.Count);
            Interlocked.Add(ref _bytes, -released);
            batch.Clear();
            Volatile.Write(ref _completed, _dequeued);
            _writing = false;
            Interlocked.Exchange(ref _progress, NewProgress()).TrySetResult();
        }
    }

    private async Task WriteAsync(PredictionLogEntry[] entries)
    {
        if (entries.Length == 0)
        {
            return;
        }

        try
        {
            await _store.AppendAsync(entries, CancellationToken.None).ConfigureAwait(false);
            Interlocked.Add(ref _written, entries.Length);
            Observe(entries);
        }
        catch (Exception e)
        {
            Interlocked.Add(ref _failed, entries.Length);
            Interlocked.Increment(ref _failedBatches);
            LogWriteFailed(_logger, e, entries.Length);
        }
    }

    /// <summary>Tells the observers of a written batch; one that throws is logged and the others still hear of it.</summary>
    private void Observe(PredictionLogEntry[] entries)
    {
        foreach (var observer in _observers)
        {
            try
            {
                observer.Written(entries);
            }
            catch (Exception e)
            {
                LogObserverFailed(_logger, e, observer.GetType().Name);
            }
        }
    }

    /// <summary>
    /// Once a large backlog has drained, collects the heap aggressively (which decommits freed memory)
    /// so the process shrinks back; at most every <see cref="TrimEvery"/>.
    /// </summary>
    private void TrimIfDrained()
    {
        if (Interlocked.Read(ref _count) != 0 || Volatile.Read(ref _peakBytes) < TrimAfterBytes || Stopwatch.GetElapsedTime(_lastTrim) < TrimEvery)
        {
            return;
        }

        var peak = Interlocked.Exchange(ref _peakBytes, 0);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        _lastTrim = Stopwatch.GetTimestamp();
        Interlocked.Increment(ref _trims);
        LogMemoryReturned(_logger, peak / (1024 * 1024));
    }
}
