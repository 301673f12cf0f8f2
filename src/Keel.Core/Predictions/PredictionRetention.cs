using Keel.Core.Errors;

namespace Keel.Core.Predictions;

/// <summary>
/// How much of the prediction log to keep: records older than <see cref="MaxAge"/> go, and the
/// oldest records go while the log is larger than <see cref="MaxBytes"/>. Pruning deletes in
/// batches of <see cref="BatchSize"/> records (one short write each, so the log's writer and other
/// writes are never held up for long), and removes the feedback of the records it deletes.
/// </summary>
/// <param name="MaxAge">Records older than this are deleted; null keeps records of any age.</param>
/// <param name="MaxBytes">
/// The most the log may take on disk, estimated from the stored size of its newest records times
/// their number (table, indexes and page overhead included); the oldest records are deleted while
/// the estimate exceeds it. Null for no size limit.
/// </param>
/// <param name="BatchSize">Records deleted per write.</param>
public sealed record PredictionRetention(TimeSpan? MaxAge, long? MaxBytes, int BatchSize = PredictionRetention.DefaultBatchSize)
{
    /// <summary>Records deleted per write when none is given.</summary>
    public const int DefaultBatchSize = 5000;

    /// <summary>Whether the policy deletes anything at all.</summary>
    public bool IsUnlimited => MaxAge is null && MaxBytes is null;

    /// <summary>Checks every field and reports all problems at once.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE naming every problem.</exception>
    public void Validate()
    {
        var problems = new List<string>();
        if (MaxAge is { } age && age <= TimeSpan.Zero)
        {
            problems.Add($"max age must be positive, got {age}");
        }

        if (MaxBytes is { } bytes && bytes <= 0)
        {
            problems.Add($"max bytes must be positive, got {bytes}");
        }

        if (BatchSize < 1)
        {
            problems.Add($"batch size must be at least 1, got {BatchSize}");
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter("Invalid prediction log retention: " + string.Join("; ", problems) + ".");
        }
    }
}

/// <summary>What one pruning pass deleted.</summary>
/// <param name="ByAge">Records deleted for being older than the maximum age.</param>
/// <param name="BySize">Records deleted to bring the log under its size limit.</param>
/// <param name="Feedback">Feedback rows deleted with their records.</param>
/// <param name="EstimatedBytes">The log's estimated size after the pass (see <see cref="PredictionRetention.MaxBytes"/>).</param>
public sealed record PredictionPruneResult(long ByAge, long BySize, long Feedback, long EstimatedBytes);
