using Keel.Core.Predictions;

namespace Keel.Storage.Predictions;

/// <summary>The prediction log's estimated size: its id range, the average bytes of a record, and their product.</summary>
/// <param name="MinId">The lowest record id (0 when empty).</param>
/// <param name="MaxId">The highest record id (0 when empty).</param>
/// <param name="BytesPerRecord">The estimated bytes one record takes, text and overhead.</param>
/// <param name="Bytes">The estimated size of the log.</param>
public readonly record struct PredictionLogSize(long MinId, long MaxId, double BytesPerRecord, long Bytes);

/// <summary>The statements a backend gives <see cref="PredictionLogPruner"/>: each delete is one short write that also deletes the feedback no remaining record carries.</summary>
public interface IPredictionLogPruning
{
    /// <summary>The distinct model names in the log.</summary>
    Task<IReadOnlyList<string>> ModelNamesAsync(CancellationToken cancellationToken);

    /// <summary>Deletes at most <paramref name="limit"/> of <paramref name="model"/>'s records older than <paramref name="cutoffMs"/>; returns the records and feedback deleted.</summary>
    Task<(long Rows, long Feedback)> DeleteOlderAsync(string model, long cutoffMs, int limit, CancellationToken cancellationToken);

    /// <summary>Deletes the records with ids in [<paramref name="fromId"/>, <paramref name="toId"/>); returns the records and feedback deleted.</summary>
    Task<(long Rows, long Feedback)> DeleteIdsAsync(long fromId, long toId, CancellationToken cancellationToken);

    /// <summary>The log's estimated size (the measure <see cref="PredictionRetention.MaxBytes"/> is compared with).</summary>
    Task<PredictionLogSize> SizeAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The retention loop both prediction stores run (<see cref="IPredictionStore.PruneAsync"/>): by age,
/// each model's records older than <see cref="PredictionRetention.MaxAge"/> in batches of
/// <see cref="PredictionRetention.BatchSize"/>; then by size, the oldest records (lowest ids: ids
/// only grow) beyond what fits in <see cref="PredictionRetention.MaxBytes"/>, in id ranges of a batch.
/// Each batch is its own short write, so appends interleave with a long prune.
/// </summary>
public static class PredictionLogPruner
{
    /// <summary>Applies <paramref name="retention"/> at <paramref name="nowMs"/> through <paramref name="log"/>.</summary>
    /// <exception cref="Core.Errors.KeelException">INVALID_PARAMETER_VALUE for a bad retention.</exception>
    public static async Task<PredictionPruneResult> PruneAsync(IPredictionLogPruning log, PredictionRetention retention, long nowMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(retention);
        retention.Validate();
        long byAge = 0, bySize = 0, feedback = 0;
        if (retention.MaxAge is { } age)
        {
            var cutoff = nowMs - (long)age.TotalMilliseconds;
            foreach (var model in await log.ModelNamesAsync(cancellationToken).ConfigureAwait(false))
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var (rows, labels) = await log.DeleteOlderAsync(model, cutoff, retention.BatchSize, cancellationToken).ConfigureAwait(false);
                    byAge += rows;
                    feedback += labels;
                    if (rows < retention.BatchSize)
                    {
                        break;
                    }
                }
            }
        }

        var size = await log.SizeAsync(cancellationToken).ConfigureAwait(false);
        if (retention.MaxBytes is { } maxBytes && size.Bytes > maxBytes)
        {
            // Keep the newest records that fit; ids grow with every append, so "oldest" is "lowest id".
            var keep = Math.Max(0, (long)(maxBytes / size.BytesPerRecord));
            var firstKept = size.MaxId - keep + 1;
            for (var from = size.MinId; from < firstKept;)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var to = Math.Min(firstKept, from + retention.BatchSize);
                var (rows, labels) = await log.DeleteIdsAsync(from, to, cancellationToken).ConfigureAwait(false);
                bySize += rows;
                feedback += labels;
                from = to;
            }

            size = await log.SizeAsync(cancellationToken).ConfigureAwait(false);
        }

        return new PredictionPruneResult(byAge, bySize, feedback, size.Bytes);
    }
}
