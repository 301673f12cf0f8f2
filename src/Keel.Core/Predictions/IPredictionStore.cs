using Keel.Core.Paging;

namespace Keel.Core.Predictions;

/// <summary>
/// Where the prediction log lives: logged predictions, appended in batches by the server's
/// background writer, and the ground truth (feedback) sent for them later, joined by request id.
/// </summary>
public interface IPredictionStore
{
    /// <summary>Appends a batch of records in one transaction (all or none).</summary>
    Task AppendAsync(IReadOnlyList<PredictionLogRecord> records, CancellationToken cancellationToken = default);

    /// <summary>
    /// Appends a batch of entries whose inputs and outputs are already UTF-8 JSON, in one transaction
    /// (all or none): the server's writer path. The bytes are only read during the call.
    /// </summary>
    Task AppendAsync(IReadOnlyList<PredictionLogEntry> entries, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes what <paramref name="retention"/> no longer keeps (records older than its maximum age at
    /// <paramref name="nowMs"/>, then the oldest records while the log is over its size limit) with
    /// their feedback, in short batches.
    /// </summary>
    /// <exception cref="Errors.KeelException">INVALID_PARAMETER_VALUE for a bad policy.</exception>
    Task<PredictionPruneResult> PruneAsync(PredictionRetention retention, long nowMs, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores ground truth for a logged request, checked against its row count; returns how many
    /// logged records carry that request id (more than one when a client reused an id).
    /// </summary>
    /// <exception cref="Errors.KeelException">
    /// RESOURCE_DOES_NOT_EXIST when no record has the request id; INVALID_PARAMETER_VALUE when the
    /// labels do not fit the request's rows.
    /// </exception>
    Task<int> AddFeedbackAsync(PredictionFeedback feedback, CancellationToken cancellationToken = default);

    /// <summary>
    /// The distinct (served model, deployment) pairs of every logged record with the request id,
    /// answered or failed, ordered by model then deployment (none first); empty when nothing has it.
    /// Feedback is checked against these (<c>AuthService.CheckFeedbackAsync</c>).
    /// </summary>
    Task<IReadOnlyList<PredictionRequestSource>> FindRequestSourcesAsync(string requestId, CancellationToken cancellationToken = default);

    /// <summary>One page of a model's logged predictions in [from, to), oldest first, with their feedback joined.</summary>
    /// <exception cref="Errors.KeelException">
    /// INVALID_PARAMETER_VALUE for a bad query or page token; RESOURCE_DOES_NOT_EXIST when nothing was
    /// ever logged for the model.
    /// </exception>
    Task<PagedResult<LoggedPrediction>> SearchAsync(PredictionQuery query, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts the failed requests (records with an error code) of <paramref name="query"/>'s model or
    /// deployment (and arm) in its time range, per model, version, deployment and arm; paging and
    /// <see cref="PredictionQuery.Errors"/> are ignored. Series without failures are left out, and
    /// nothing logged at all is an empty list, not an error.
    /// </summary>
    /// <exception cref="Errors.KeelException">INVALID_PARAMETER_VALUE for a bad query.</exception>
    Task<IReadOnlyList<PredictionErrorCount>> CountErrorsAsync(PredictionQuery query, CancellationToken cancellationToken = default);
}
