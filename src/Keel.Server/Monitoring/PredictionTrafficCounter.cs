using System.Collections.Concurrent;
using Keel.Core.Predictions;
using Keel.Server.Serving;

namespace Keel.Server.Monitoring;

/// <summary>
/// Counts the predictions (rows) this server's prediction log wrote, per model, for the
/// monitoring scheduler's <c>every_predictions</c> trigger. It runs on the log's background writer
/// after each batch: a dictionary lookup and an interlocked add per request, nothing on the
/// request path. When a model's count reaches the threshold the scheduler set for it, the
/// scheduler is woken.
/// </summary>
public sealed class PredictionTrafficCounter : IPredictionLogWriteObserver
{
    private readonly ConcurrentDictionary<string, Count> _counts = new(StringComparer.Ordinal);
    private volatile IReadOnlyDictionary<string, long> _thresholds = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Raised (on the writer's thread) when a model's count reached its threshold.</summary>
    public event Action? ThresholdReached;

    /// <summary>The models counted so far (every model this server logged for).</summary>
    public IReadOnlyList<string> Models => [.. _counts.Keys];

    /// <inheritdoc />
    public void Written(ReadOnlySpan<PredictionLogEntry> entries)
    {
        var thresholds = _thresholds;
        var reached = false;
        foreach (ref readonly var entry in entries)
        {
            if (entry.ErrorCode is not null)
            {
                continue; // A failed request made no prediction.
            }

            var count = _counts.GetOrAdd(entry.ModelName, static _ => new Count());
            var now = Interlocked.Add(ref count.Value, Math.Max(1, entry.RowCount));
            reached |= thresholds.TryGetValue(entry.ModelName, out var threshold) && now >= threshold;
        }

        if (reached)
        {
            ThresholdReached?.Invoke();
        }
    }

    /// <summary>Predictions logged for <paramref name="model"/> since its count was last taken.</summary>
    public long Peek(string model) => _counts.TryGetValue(model, out var count) ? Interlocked.Read(ref count.Value) : 0;

    /// <summary>Takes <paramref name="taken"/> off <paramref name="model"/>'s count (what a pass has covered); later predictions stay counted.</summary>
    public void Take(string model, long taken)
    {
        if (taken > 0 && _counts.TryGetValue(model, out var count))
        {
            Interlocked.Add(ref count.Value, -taken);
        }
    }

    /// <summary>Sets the thresholds (model → <c>every_predictions</c>) the counter wakes the scheduler at.</summary>
    public void SetThresholds(IReadOnlyDictionary<string, long> thresholds) => _thresholds = thresholds;

    private sealed class Count
    {
        public long Value;
    }
}
