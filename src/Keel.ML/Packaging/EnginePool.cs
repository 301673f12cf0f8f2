using System.Collections.Concurrent;

namespace Keel.ML.Packaging;

/// <summary>
/// Scoring engines of one loaded model, created on demand and kept for reuse up to a cap
/// (engines are not thread-safe, so each call rents one). A <see cref="ConcurrentBag{T}"/> keeps
/// returned engines in per-thread lists, so a thread that scores, returns and rents again gets its
/// own engine back without contention. Engines returned after <see cref="Dispose"/>, or beyond the
/// cap, are disposed.
/// </summary>
internal sealed class EnginePool : IDisposable
{
    private readonly ConcurrentBag<ScoringEngine> _idle = [];
    private readonly Func<ScoringEngine> _create;
    private readonly int _capacity;
    private int _idleCount;
    private int _created;
    private int _discarded;
    private volatile bool _disposed;

    public EnginePool(Func<ScoringEngine> create, int capacity)
    {
        _create = create;
        _capacity = capacity;
    }

    /// <summary>The engines kept for reuse now (idle ones).</summary>
    public int IdleCount => Volatile.Read(ref _idleCount);

    /// <summary>The engines created so far.</summary>
    public int CreatedCount => Volatile.Read(ref _created);

    /// <summary>The engines alive now: idle ones and those rented out.</summary>
    public int Size => Volatile.Read(ref _created) - Volatile.Read(ref _discarded);

    /// <summary>The most engines kept for reuse.</summary>
    public int Capacity => _capacity;

    /// <summary>An idle engine, or a new one.</summary>
    public ScoringEngine Rent()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_idle.TryTake(out var engine))
        {
            Interlocked.Decrement(ref _idleCount);
            return engine;
        }

        Interlocked.Increment(ref _created);
        return _create();
    }

    /// <summary>Gives <paramref name="engine"/> back for reuse (or disposes it when the pool is full or disposed).</summary>
    public void Return(ScoringEngine engine)
    {
        if (_disposed)
        {
            Discard(engine);
            return;
        }

        if (Interlocked.Increment(ref _idleCount) > _capacity)
        {
            Interlocked.Decrement(ref _idleCount);
            Discard(engine);
            return;
        }

        _idle.Add(engine);
        if (_disposed)
        {
            // Dispose ran between the check and the add: it may have missed this engine.
            Drain();
        }
    }

    /// <summary>Disposes the idle engines; engines still rented are disposed when they come back.</summary>
    public void Dispose()
    {
        _disposed = true;
        Drain();
    }

    private void Drain()
    {
        while (_idle.TryTake(out var engine))
        {
            Interlocked.Decrement(ref _idleCount);
            Discard(engine);
        }
    }

    private void Discard(ScoringEngine engine)
    {
        Interlocked.Increment(ref _discarded);
        engine.Dispose();
    }
}
