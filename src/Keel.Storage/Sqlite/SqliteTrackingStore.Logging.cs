using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

public sealed partial class SqliteTrackingStore
{
    private const string InsertMetricSql = """
        INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan)
        SELECT $r, $k, $s, $t, $q, $v, $n
        WHERE NOT EXISTS (SELECT 1 FROM metrics WHERE run_key = $r AND key = $k AND step = $s AND timestamp = $t AND value = $v AND is_nan = $n)
        """;

    // The value a run shows per key: highest step, then latest timestamp, then the later arrival.
    private const string UpsertLatestSql = """
        INSERT INTO latest_metrics (run_key, key, value, is_nan, timestamp, step, seq) VALUES ($r, $k, $v, $n, $t, $s, $q)
        ON CONFLICT (run_key, key) DO UPDATE SET
            value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step, seq = excluded.seq
        WHERE (excluded.step, excluded.timestamp, excluded.seq) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.seq)
        """;

    /// <inheritdoc />
    public Task LogMetricAsync(string runId, Metric metric, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        TrackingValidator.ValidateMetric(metric);
        return _database.WriteAsync(tx =>
        {
            var (runKey, _) = RequireActiveRun(tx, runId);
            InsertMetric(tx, runKey, metric);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task LogParamAsync(string runId, Param param, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        param = TrackingValidator.Truncated(param, Limits.TruncateLongValues);
        TrackingValidator.ValidateParam(param);
        return _database.WriteAsync(tx =>
        {
            var (runKey, _) = RequireActiveRun(tx, runId);
            InsertParam(tx, runKey, runId, param);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetTagAsync(string runId, RunTag tag, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        tag = TrackingValidator.Truncated(tag, Limits.TruncateLongValues);
        TrackingValidator.ValidateTag(tag);
        return _database.WriteAsync(tx =>
        {
            var (runKey, _) = RequireActiveRun(tx, runId);
            SetRunTag(tx, runKey, tag);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        TrackingValidator.Required(key, "key");
        return _database.WriteAsync(tx =>
        {
            var (runKey, _) = RequireActiveRun(tx, runId);
            var cmd = _database.Statement(tx, "DELETE FROM tags WHERE run_key = $r AND key = $k");
            cmd.Parameters.AddWithValue("$r", runKey);
            cmd.Parameters.AddWithValue("$k", key);
            if (cmd.ExecuteNonQuery() == 0)
            {
                throw KeelException.NotFound($"No tag with name: {key} in run with id {runId}");
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task LogBatchAsync(string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<Param> @params, IReadOnlyList<RunTag> tags, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        ArgumentNullException.ThrowIfNull(metrics);
        @params = [.. @params.Select(p => p is { Key: not null, Value: not null } ? TrackingValidator.Truncated(p, Limits.TruncateLongValues) : p)];
        tags = [.. tags.Select(t => t is { Key: not null, Value: not null } ? TrackingValidator.Truncated(t, Limits.TruncateLongValues) : t)];
        TrackingValidator.ValidateBatch(metrics, @params, tags);
        return _database.WriteAsync(tx =>
    {
        var (runKey, _) = RequireActiveRun(tx, runId);
        foreach (var param in @params)
        {
            InsertParam(tx, runKey, runId, param);
        }

        InsertMetrics(tx, runKey, metrics);

        foreach (var tag in tags)
        {
            SetRunTag(tx, runKey, tag);
        }
    }, cancellationToken);
}

/// <inheritdoc />
public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> datasets, CancellationToken cancellationToken = default)
{
    TrackingValidator.ValidateRunId(runId);
    DatasetValidator.Validate(datasets);
    return _database.WriteAsync(tx =>
        {
            var (runKey, _) = RequireActiveRun(tx, runId);
            var experiment = _database.Statement(tx, "SELECT experiment_id FROM runs WHERE run_key = $r");
            experiment.Parameters.AddWithValue("$r", runKey);
            var experimentId = Convert.ToInt64(experiment.ExecuteScalar(), CultureInfo.InvariantCulture);
            foreach (var input in datasets)
            {
                var d = input.Dataset;
                var upsert = _database.Statement(tx, """
                    INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                    VALUES ($e, $n, $d, $st, $s, $sc, $p)
                    ON CONFLICT (experiment_id, name, digest) DO UPDATE SET name = excluded.name
                    RETURNING dataset_key
                    """);
                upsert.Parameters.AddWithValue("$e", experimentId);
                upsert.Parameters.AddWithValue("$n", d.Name);
                upsert.Parameters.AddWithValue("$d", d.Digest);
                upsert.Parameters.AddWithValue("$st", d.SourceType);
                upsert.Parameters.AddWithValue("$s", d.Source);
                upsert.Parameters.AddWithValue("$sc", (object?)d.Schema ?? DBNull.Value);
                upsert.Parameters.AddWithValue("$p", (object?)d.Profile ?? DBNull.Value);
                var datasetKey = Convert.ToInt64(upsert.ExecuteScalar(), CultureInfo.InvariantCulture);

                var link = _database.Statement(tx, "INSERT OR IGNORE INTO inputs (run_key, dataset_key) VALUES ($r, $d)");
                link.Parameters.AddWithValue("$r", runKey);
                link.Parameters.AddWithValue("$d", datasetKey);
                link.ExecuteNonQuery();
                foreach (var tag in input.Tags ?? [])
                {
                    var t = _database.Statement(tx, """
                        INSERT INTO input_tags (run_key, dataset_key, key, value) VALUES ($r, $d, $k, $v)
                        ON CONFLICT (run_key, dataset_key, key) DO UPDATE SET value = excluded.value
                        """);
                    t.Parameters.AddWithValue("$r", runKey);
                    t.Parameters.AddWithValue("$d", datasetKey);
                    t.Parameters.AddWithValue("$k", tag.Key);
                    t.Parameters.AddWithValue("$v", tag.Value);
                    t.ExecuteNonQuery();
                }
            }
        }, cancellationToken);
    }

    private void InsertMetric(SqliteTransaction tx, long runKey, Metric metric)
    {
        var (value, isNan) = TrackingColumns.StoredValue(metric.Value);
        var seq = _nextSeq++;
        var insert = _database.Statement(tx, InsertMetricSql);
        BindMetric(insert.Parameters, runKey, metric, value, isNan, seq);
        if (insert.ExecuteNonQuery() == 0)
        {
            return; // An identical observation is already stored (MLflow ignores exact duplicates).
        }

        var latest = _database.Statement(tx, UpsertLatestSql);
        BindMetric(latest.Parameters, runKey, metric, value, isNan, seq);
        latest.ExecuteNonQuery();
    }

    private static void BindMetric(SqliteParameterCollection p, long runKey, Metric metric, double value, int isNan, long seq)
    {
        p.AddWithValue("$r", runKey);
        p.AddWithValue("$k", metric.Key);
        p.AddWithValue("$s", metric.Step);
        p.AddWithValue("$t", metric.Timestamp);
        p.AddWithValue("$q", seq);
        p.AddWithValue("$v", value);
        p.AddWithValue("$n", isNan);
    }

    private void InsertParam(SqliteTransaction tx, long runKey, string runId, Param param)
    {
        param = TrackingValidator.Truncated(param, Limits.TruncateLongValues);
        var existing = _database.Statement(tx, "SELECT value FROM params WHERE run_key = $r AND key = $k");
        existing.Parameters.AddWithValue("$r", runKey);
        existing.Parameters.AddWithValue("$k", param.Key);
        if (existing.ExecuteScalar() is string old)
        {
            if (old != param.Value)
            {
                throw KeelException.InvalidParameter(
                    $"Changing param values is not allowed. Param with key='{param.Key}' was already logged with value='{old}' for run ID='{runId}'. Attempted logging new value '{param.Value}'.");
            }

            return;
        }

        var insert = _database.Statement(tx, "INSERT INTO params (run_key, key, value) VALUES ($r, $k, $v)");
        insert.Parameters.AddWithValue("$r", runKey);
        insert.Parameters.AddWithValue("$k", param.Key);
        insert.Parameters.AddWithValue("$v", param.Value);
        insert.ExecuteNonQuery();
    }

    private void SetRunTag(SqliteTransaction tx, long runKey, RunTag tag)
    {
        tag = TrackingValidator.Truncated(tag, Limits.TruncateLongValues);
        UpsertTag(tx, runKey, tag.Key, tag.Value);
        if (tag.Key == RunNameTag)
        {
            var cmd = _database.Statement(tx, "UPDATE runs SET name = $n WHERE run_key = $r");
            cmd.Parameters.AddWithValue("$n", tag.Value);
            cmd.Parameters.AddWithValue("$r", runKey);
            cmd.ExecuteNonQuery();
        }
    }

    private void UpsertTag(SqliteTransaction tx, long runKey, string key, string value)
    {
        var cmd = _database.Statement(tx, """
            INSERT INTO tags (run_key, key, value) VALUES ($r, $k, $v)
            ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value
            """);
        cmd.Parameters.AddWithValue("$r", runKey);
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
        var count = _database.Statement(tx, "SELECT COUNT(*) FROM tags WHERE run_key = $r");
        count.Parameters.AddWithValue("$r", runKey);
        Limits.CheckTagCount((long)count.ExecuteScalar()!, "the run");
    }
}
