using System.Text;
using Keel.Core.Predictions;

namespace Keel.Storage.Postgres;

// Failed requests counted per series: the error rate of monitor windows and deployment arms. Reads
// only the failed rows (the partial indexes of schema version 8), never the answered ones.
public sealed partial class PostgresPredictionStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<PredictionErrorCount>> CountErrorsAsync(PredictionQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        query.Validate();
        using var cmd = database.Command(string.Empty);
        var sql = new StringBuilder("SELECT model_name, model_version, deployment, arm, COUNT(*) FROM prediction_log WHERE error_code IS NOT NULL AND timestamp >= @from AND timestamp < @to");
        cmd.Long("from", query.FromMs ?? long.MinValue).Long("to", query.ToMs ?? long.MaxValue);
        if (!string.IsNullOrEmpty(query.ModelName))
        {
            sql.Append(" AND model_name = @m");
            cmd.Text("m", PostgresText.Storable(query.ModelName));
        }

        if (query.Deployment is not null)
        {
            sql.Append(" AND deployment = @d");
            cmd.Text("d", PostgresText.Storable(query.Deployment));
        }

        if (query.Arm is not null)
        {
            sql.Append(" AND arm = @a");
            cmd.Text("a", query.Arm);
        }

        // Byte order with NULLs first, as SQLite orders them.
        sql.Append("""
             GROUP BY model_name, model_version, deployment, arm
             ORDER BY model_name COLLATE "C", model_version COLLATE "C", deployment COLLATE "C" NULLS FIRST, arm COLLATE "C" NULLS FIRST
            """);
        cmd.CommandText = sql.ToString();
        return await cmd.ListAsync(
            r => new PredictionErrorCount(r.GetString(0), r.GetString(1), r.GetNullableString(2), r.GetNullableString(3), r.GetInt64(4)),
            cancellationToken).ConfigureAwait(false);
    }
}
