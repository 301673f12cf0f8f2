using Keel.Core.Predictions;

namespace Keel.Storage.Postgres;

// Which served models and deployments logged a request id: what feedback for it is checked against.
// Uses ix_prediction_log_request. GROUP BY, not DISTINCT: PostgreSQL refuses ORDER BY ... COLLATE
// over a SELECT DISTINCT list.
public sealed partial class PostgresPredictionStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionRequestSource>> FindRequestSourcesAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        using var cmd = database.Command("""
            SELECT model_name, deployment FROM prediction_log WHERE request_id = @r
            GROUP BY model_name, deployment
            ORDER BY model_name COLLATE "C", deployment COLLATE "C" NULLS FIRST
            """);
        cmd.Text("r", PostgresText.Storable(requestId));
        return await cmd.ListAsync(r => new PredictionRequestSource(r.GetString(0), r.GetNullableString(1)), cancellationToken).ConfigureAwait(false);
    }
}
