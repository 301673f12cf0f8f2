using System.Text;
using Keel.Core.Predictions;

namespace Keel.Storage.Sqlite;

// Failed requests counted per series: the error rate of monitor windows and deployment arms. Reads
// only the failed rows (partial indexes of schema version 11), never the answered ones.
public sealed partial class SqlitePredictionStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<PredictionErrorCount>> CountErrorsAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        var sql = new StringBuilder("SELECT model_name, model_version, deployment, arm, COUNT(*) FROM prediction_log WHERE error_code IS NOT NULL AND timestamp >= $from AND timestamp < $to");
        if (!string.IsNullOrEmpty(query.ModelName))
        {
            sql.Append(" AND model_name = $m");
            cmd.Parameters.AddWithValue("$m", query.ModelName);
        }

        if (query.Deployment is not null)
        {
            sql.Append(" AND deployment = $d");
            cmd.Parameters.AddWithValue("$d", query.Deployment);
        }

        if (query.Arm is not null)
        {
            sql.Append(" AND arm = $a");
            cmd.Parameters.AddWithValue("$a", query.Arm);
        }

        sql.Append(" GROUP BY model_name, model_version, deployment, arm ORDER BY model_name, model_version, deployment, arm");
        cmd.CommandText = sql.ToString();
        cmd.Parameters.AddWithValue("$from", query.FromMs ?? long.MinValue);
        cmd.Parameters.AddWithValue("$to", query.ToMs ?? long.MaxValue);
        var counts = new List<PredictionErrorCount>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            counts.Add(new PredictionErrorCount(
                reader.GetString(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(4)));
        }

        return Task.FromResult<IReadOnlyList<PredictionErrorCount>>(counts);
    }
}
