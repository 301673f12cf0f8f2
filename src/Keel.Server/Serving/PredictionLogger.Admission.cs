using System.Buffers;

namespace Keel.Server.Serving;

// The two halves of Record: admission (sampling and the cheap refusals, before anything is
// serialised) and the bounded enqueue of bytes already serialised. A deployment arm uses them
// apart, so the bytes it serialises once serve both its observers and the log.
public sealed partial class PredictionLogger
{
    /// <summary>
    /// Draws the sample and applies the refusals that need no bytes (disabled, stopped, buffer full
    /// by requests or bytes); a refusal other than sampling or disabled is counted as a drop.
    /// </summary>
    /// <returns>Whether the request should be serialised and <see cref="Enqueue"/>d.</returns>
    internal bool Admit()
    {
        if (!_options.Enabled || (_options.SampleRate < 1.0 && Random.Shared.NextDouble() >= _options.SampleRate))
        {
            return false;
        }

        // Cheap refusals first, so an overloaded log does not also pay for serialising what it drops.
        if (_stopped)
        {
            return Drop(ref _droppedStopped);
        }

        if (Interlocked.Read(ref _count) >= _options.Capacity)
        {
            return Drop(ref _droppedFull);
        }

        if (Interlocked.Read(ref _bytes) >= _options.MaxBufferBytes)
        {
            return Drop(ref _droppedBytes);
        }

        return true;
    }

    /// <summary>
    /// Queues a request <see cref="Admit"/> let through, serialised in <see cref="PredictionLogOptions.InputsMode"/>
    /// into an array rented from <see cref="ArrayPool{T}.Shared"/>, which the log now owns (it is
    /// returned when written, or here when a bound refuses it: counted as a drop).
    /// </summary>
    internal bool Enqueue(PendingPrediction pending)
    {
        var buffer = pending.Buffer;

        // Reserve the bytes (the whole rented array: what the buffer really holds) and a slot; undo on either bound.
        var bytes = Interlocked.Add(ref _bytes, buffer.Length);
        if (bytes > _options.MaxBufferBytes)
        {
            Interlocked.Add(ref _bytes, -buffer.Length);
            ArrayPool<byte>.Shared.Return(buffer);
            return Drop(ref _droppedBytes);
        }

        var count = Interlocked.Increment(ref _count);
        if (count > _options.Capacity)
        {
            Interlocked.Decrement(ref _count);
            Interlocked.Add(ref _bytes, -buffer.Length);
            ArrayPool<byte>.Shared.Return(buffer);
            return Drop(ref _droppedFull);
        }

        if (bytes > Volatile.Read(ref _peakBytes))
        {
            Volatile.Write(ref _peakBytes, bytes); // approximate under races; only decides whether to trim
        }

        _queue.Enqueue(pending);
        if (_idle || count == _options.BatchSize)
        {
            Wake();
        }

        return true;
    }

    /// <summary>Counts and logs a request that could not be serialised (it is lost alone).</summary>
    internal void SerializeFailed(Exception e, string requestId)
    {
        Interlocked.Increment(ref _failed);
        LogSerializeFailed(_logger, e, requestId);
    }
}
