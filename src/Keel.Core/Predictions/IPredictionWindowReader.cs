namespace Keel.Core.Predictions;

/// <summary>
/// Optional side of an <see cref="IPredictionStore"/>: reads a whole window of the log page by page
/// with each request's inputs and outputs as the stored UTF-8 bytes, so a monitoring pass parses
/// them without making strings first. Monitoring uses it when the store has it and falls back to
/// <see cref="IPredictionStore.SearchAsync"/> when not; the rows, their order and their feedback are
/// those <see cref="IPredictionStore.SearchAsync"/>'s pages would give.
/// </summary>
public interface IPredictionWindowReader
{
    /// <summary>
    /// The rows of <paramref name="query"/> (its model or deployment and arm, time range and error
    /// filter; <see cref="PredictionQuery.PageToken"/> is ignored), oldest first by (timestamp, id), in
    /// pages of at most <see cref="PredictionQuery.MaxResults"/> rows, each with its feedback merged
    /// as <see cref="LoggedPrediction.LabelsJson"/> is. The caller owns each page and disposes it
    /// when done (its buffer goes back to a pool); a page stays valid after the next one is read.
    /// </summary>
    /// <exception cref="Errors.KeelException">
    /// INVALID_PARAMETER_VALUE for a bad query; RESOURCE_DOES_NOT_EXIST when nothing was ever logged
    /// for the model (or deployment), as <see cref="IPredictionStore.SearchAsync"/>.
    /// </exception>
    IAsyncEnumerable<PredictionWindowPage> ReadWindowAsync(PredictionQuery query, CancellationToken cancellationToken = default);
}
