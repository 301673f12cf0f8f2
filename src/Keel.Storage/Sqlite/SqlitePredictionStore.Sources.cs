using Keel.Core.Predictions;

namespace Keel.Storage.Sqlite;

// Which served models and deployments logged a request id: what feedback for it is checked against.
// Uses the request_id index of schema version 5.
public sealed partial class SqlitePredictionStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<PredictionRequestSource>> FindRequestSourcesAsync(string requestId, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requestId);
        cancellationToken.ThrowIfCancellationRequested();
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT DISTINCT model_name, deployment FROM prediction_log WHERE request_id = $r ORDER BY model_name, deployment";
        cmd.Parameters.AddWithValue("$r", requestId);
        var sources = new List<PredictionRequestSource>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            sources.Add(new PredictionRequestSource(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1)));
        }

        return Task.FromResult<IReadOnlyList<PredictionRequestSource>>(sources);
    }
}
