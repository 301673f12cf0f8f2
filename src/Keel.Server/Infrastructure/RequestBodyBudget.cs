using Keel.Core.Errors;

namespace Keel.Server.Infrastructure;

/// <summary>
/// Bounds the request-body bytes held in memory over all requests (<see cref="HostingOptions.MaxBufferedBodyBytes"/>).
/// A request reserves its body's size before reading it and returns it when its response is done;
/// while the budget is used up, requests wait in arrival order (a big body is not starved by small
/// ones), and one that waits longer than <see cref="HostingOptions.BodyQueueTimeout"/> gets 503.
/// After a burst it asks <see cref="MemoryTrimmer"/> to give memory back.
/// </summary>
internal sealed class RequestBodyBudget(HostingOptions options, MemoryTrimmer trimmer)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<Waiter> _waiters = new();
    private long _available = options.MaxBufferedBodyBytes;

    /// <summary>The whole budget.</summary>
    public long Capacity => options.MaxBufferedBodyBytes;

    /// <summary>Bytes reserved now.</summary>
    public long InUse
    {
        get
        {
            lock (_gate)
            {
                return options.MaxBufferedBodyBytes - _available;
            }
        }
    }

    /// <summary>Reserves <paramref name="bytes"/>; dispose the result to return them.</summary>
    /// <exception cref="KeelException">TEMPORARILY_UNAVAILABLE when no room is found within the queue timeout.</exception>
    public async ValueTask<Reservation> ReserveAsync(long bytes, CancellationToken cancellationToken)
    {
        bytes = Math.Clamp(bytes, 1, options.MaxBufferedBodyBytes);
        await AcquireAsync(bytes, cancellationToken).ConfigureAwait(false);
        return new Reservation(this, bytes);
    }

    private async ValueTask AcquireAsync(long bytes, CancellationToken cancellationToken)
    {
        Waiter waiter;
        lock (_gate)
        {
            if (_waiters.Count == 0 && _available >= bytes)
            {
                _available -= bytes;
                trimmer.BodyStarted();
                return;
            }

            waiter = new Waiter(bytes);
            waiter.Node = _waiters.AddLast(waiter);
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.BodyQueueTimeout);
        try
        {
            await waiter.Granted.Task.WaitAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            lock (_gate)
            {
                if (waiter.Node.List is not null)
                {
                    _waiters.Remove(waiter.Node);
                }
                else
                {
                    // Granted at the same moment it gave up: hand the bytes back.
                    _available += bytes;
                }

                GrantWaiters();
            }

            cancellationToken.ThrowIfCancellationRequested();
            throw new KeelException(
                ErrorCode.TemporarilyUnavailable,
                $"The server is busy reading other request bodies: {options.MaxBufferedBodyBytes} bytes ({HostingOptions.Section}:MaxBufferedBodyBytes) are in use, and no room came free within {options.BodyQueueTimeout.TotalSeconds:0.#} s ({HostingOptions.Section}:BodyQueueTimeout). Retry shortly.");
        }
    }

    private void Release(long bytes)
    {
        bool idle;
        lock (_gate)
        {
            _available += bytes;
            GrantWaiters();
            idle = _available == options.MaxBufferedBodyBytes;
        }

        trimmer.BodyFinished(bytes, idle);
    }

    /// <summary>Grants waiters in arrival order while the first one fits. Call under the lock.</summary>
    private void GrantWaiters()
    {
        while (_waiters.First is { } first && first.Value.Bytes <= _available)
        {
            _available -= first.Value.Bytes;
            _waiters.RemoveFirst();
            trimmer.BodyStarted();
            first.Value.Granted.TrySetResult();
        }
    }

    /// <summary>Bytes held for one request; a chunked body grows it as it is read.</summary>
    internal sealed class Reservation(RequestBodyBudget budget, long bytes) : IDisposable
    {
        private long _bytes = bytes;
        private int _disposed;

        /// <summary>Bytes held now.</summary>
        public long Bytes => Interlocked.Read(ref _bytes);

        /// <summary>Holds at least <paramref name="total"/> bytes (at most the whole budget), waiting for room like a new request.</summary>
        /// <exception cref="KeelException">TEMPORARILY_UNAVAILABLE when no room is found within the queue timeout.</exception>
        public async ValueTask GrowAsync(long total, CancellationToken cancellationToken)
        {
            var extra = Math.Min(total, budget.Capacity) - Bytes;
            if (extra > 0)
            {
                await budget.AcquireAsync(extra, cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _bytes, extra);
            }
        }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                budget.Release(Bytes);
            }
        }
    }

    private sealed class Waiter(long bytes)
    {
        public long Bytes { get; } = bytes;

        public TaskCompletionSource Granted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public LinkedListNode<Waiter> Node { get; set; } = null!;
    }
}
