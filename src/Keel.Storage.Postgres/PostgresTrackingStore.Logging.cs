using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

public sealed partial class PostgresTrackingStore
{
    // The value a run shows per key: highest step, then latest timestamp, then the later arrival.
    // ON CONFLICT DO UPDATE locks the row and checks the WHERE on its latest version, so concurrent
    // writers to one key leave the newest observation whatever order they commit in.
    private const string UpsertLatestSet = """
        ON CONFLICT (run_key, key) DO UPDATE SET
            value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step, seq = excluded.seq
        WHERE (excluded.step, excluded.timestamp, excluded.seq) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.seq)
        """;

    /// <summary>
    /// Any number of single-metric writes (to any runs) in one statement, from arrays: each run is read
    /// under a key-share lock, a point is inserted only if its run and experiment are active and it is
    /// not an exact repeat, and each (run, key)'s latest value moves to its newest inserted point if
    /// that is newer. One row per input, in input order, gives its run's state (null: no such run),
    /// so a refused write gets the same error as elsewhere and never fails the others.
    /// </summary>
    internal const string LogMetricsSql = $"""
        WITH input AS (
            SELECT * FROM unnest(@id, @k, @s, @t, @v, @n) WITH ORDINALITY AS u(run_uuid, key, step, timestamp, value, is_nan, ord)
        ), run AS (
            SELECT r.run_key, r.run_uuid, r.lifecycle_stage AS run_stage, e.lifecycle_stage AS experiment_stage
            FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id
            WHERE r.run_uuid IN (SELECT run_uuid FROM input) FOR KEY SHARE OF r
        ), inserted AS (
            INSERT INTO metrics (run_key, key, step, timestamp, value, is_nan, seq)
            SELECT run.run_key, i.key, i.step, i.timestamp, i.value, i.is_nan, nextval('metric_seq')
            FROM input i JOIN run ON run.run_uuid = i.run_uuid
            WHERE run.run_stage = 'active' AND run.experiment_stage = 'active'
            ORDER BY i.ord
            ON CONFLICT DO NOTHING
            RETURNING run_key, key, value, is_nan, timestamp, step, seq
        ), latest AS (
            INSERT INTO latest_metrics (run_key, key, value, is_nan, timestamp, step, seq)
            SELECT DISTINCT ON (run_key, key) run_key, key, value, is_nan, timestamp, step, seq FROM inserted
            ORDER BY run_key, key, step DESC, timestamp DESC, seq DESC
            {UpsertLatestSet}
        )
        SELECT run.run_stage, run.experiment_stage FROM input i LEFT JOIN run ON run.run_uuid = i.run_uuid ORDER BY i.ord
        """;

    /// <inheritdoc />
    public async Task LogMetricAsync(string runId, Metric metric, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        TrackingValidator.ValidateMetric(metric);
        await ReadyAsync().ConfigureAwait(false);
        var (value, isNan) = TrackingColumns.StoredValue(metric.Value);
        var state = await _metrics.WriteAsync(new PendingMetric(runId, metric.Key, metric.Step, metric.Timestamp, value, isNan), cancellationToken).ConfigureAwait(false)
            ?? throw RunNotFound(runId);
        RequireActive(runId, state.RunStage, state.ExperimentStage);
    }

    /// <inheritdoc />
    public Task LogParamAsync(string runId, Param param, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        param = TrackingValidator.Truncated(param, Limits.TruncateLongValues);
        TrackingValidator.ValidateParam(param);
        return WriteAsync(async (connection, tx) =>
        {
            var runKey = await RequireActiveRunAsync(connection, tx, runId, RunLock.Write, cancellationToken).ConfigureAwait(false);
            await InsertParamsAsync(connection, tx, runKey, runId, [param], cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task SetTagAsync(string runId, RunTag tag, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        tag = TrackingValidator.Truncated(tag, Limits.TruncateLongValues);
        TrackingValidator.ValidateTag(tag);
        return WriteAsync(async (connection, tx) =>
        {
            var runKey = await RequireActiveRunAsync(connection, tx, runId, tag.Key == RunNameTag ? RunLock.Update : RunLock.Write, cancellationToken).ConfigureAwait(false);
            await SetRunTagsAsync(connection, tx, runKey, [tag], cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        TrackingValidator.Required(key, "key");
        return WriteAsync(async (connection, tx) =>
        {
            var runKey = await RequireActiveRunAsync(connection, tx, runId, RunLock.Write, cancellationToken).ConfigureAwait(false);
            using var cmd = Command(connection, tx, "DELETE FROM tags WHERE run_key = @r AND key = @k");
            cmd.Long("r", runKey).Text("k", key);
            if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw KeelException.NotFound($"No tag with name: {key} in run with id {runId}");
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> datasets, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        DatasetValidator.Validate(datasets);
        return WriteAsync(async (connection, tx) =>
        {
            var runKey = await RequireActiveRunAsync(connection, tx, runId, RunLock.Write, cancellationToken).ConfigureAwait(false);
            foreach (var input in datasets)
            {
                var d = input.Dataset;
                using var cmd = Command(connection, tx, """
                    WITH dataset AS (
                        INSERT INTO datasets (experiment_id, name, digest, source_type, source, schema, profile)
                        SELECT experiment_id, @n, @d, @st, @s, @sc, @p FROM runs WHERE run_key = @r
                        ON CONFLICT (experiment_id, name, digest) DO UPDATE SET name = excluded.name
                        RETURNING dataset_key
                    )
                    INSERT INTO inputs (run_key, dataset_key) SELECT @r, dataset_key FROM dataset
                    ON CONFLICT DO NOTHING;
                    INSERT INTO input_tags (run_key, dataset_key, key, value)
                    SELECT @r, d.dataset_key, t.key, t.value
                    FROM datasets d JOIN runs r ON r.experiment_id = d.experiment_id, unnest(@tk, @tv) AS t(key, value)
                    WHERE r.run_key = @r AND d.name = @n AND d.digest = @d
                    ON CONFLICT (run_key, dataset_key, key) DO UPDATE SET value = excluded.value
                    """);
                var tags = LastPerKey(input.Tags ?? [], t => t.Key, t => t.Value);
                cmd.Long("r", runKey).Text("n", d.Name).Text("d", d.Digest).Text("st", d.SourceType).Text("s", d.Source).Text("sc", d.Schema).Text("p", d.Profile)
                    .Array("tk", NpgsqlDbType.Text, tags.Keys).Array("tv", NpgsqlDbType.Text, tags.Values);
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken);
    }

    /// <summary>
    /// Params are immutable: a key already logged with another value (stored, or earlier in the same
    /// call) is INVALID_PARAMETER_VALUE; logging the same value again is accepted and changes nothing.
    /// </summary>
    private async Task InsertParamsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long runKey, string runId, IReadOnlyList<Param> @params, CancellationToken cancellationToken)
    {
        if (@params.Count == 0)
        {
            return;
        }

        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        using (var read = Command(connection, tx, "SELECT key, value FROM params WHERE run_key = @r AND key = ANY(@k)"))
        {
            read.Long("r", runKey).Array("k", NpgsqlDbType.Text, @params.Select(p => p.Key).Distinct(StringComparer.Ordinal).ToArray());
            foreach (var (key, value) in await read.ListAsync(r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false))
            {
                known[key] = value;
            }
        }

        var fresh = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var raw in @params)
        {
            var param = TrackingValidator.Truncated(raw, Limits.TruncateLongValues);
            if (known.TryGetValue(param.Key, out var old))
            {
                if (old != param.Value)
                {
                    throw KeelException.InvalidParameter(
                        $"Changing param values is not allowed. Param with key='{param.Key}' was already logged with value='{old}' for run ID='{runId}'. Attempted logging new value '{param.Value}'.");
                }

                continue;
            }

            known[param.Key] = fresh[param.Key] = param.Value;
        }

        if (fresh.Count > 0)
        {
            // No ON CONFLICT: a concurrent writer that stored one of these keys first makes this a
            // unique violation, and the retried write compares with its value.
            using var insert = Command(connection, tx, "INSERT INTO params (run_key, key, value) SELECT @r, k, v FROM unnest(@k, @v) AS u(k, v)");
            insert.Long("r", runKey).Array("k", NpgsqlDbType.Text, fresh.Keys.ToArray()).Array("v", NpgsqlDbType.Text, fresh.Values.ToArray());
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Sets run tags (truncated as configured); <c>mlflow.runName</c> also renames the run.</summary>
    private async Task SetRunTagsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long runKey, IReadOnlyList<RunTag> tags, CancellationToken cancellationToken)
    {
        if (tags.Count == 0)
        {
            return;
        }

        var truncated = tags.Select(t => TrackingValidator.Truncated(t, Limits.TruncateLongValues)).ToList();
        await UpsertTagsAsync(connection, tx, runKey, truncated, cancellationToken).ConfigureAwait(false);
        if (truncated.LastOrDefault(t => t.Key == RunNameTag) is { } name)
        {
            using var cmd = Command(connection, tx, "UPDATE runs SET name = @n WHERE run_key = @r");
            cmd.Text("n", name.Value).Long("r", runKey);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Upserts tags (the last value of a key repeated in <paramref name="tags"/> wins) and checks the run's tag count.</summary>
    private async Task UpsertTagsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long runKey, IReadOnlyList<RunTag> tags, CancellationToken cancellationToken)
    {
        var last = LastPerKey(tags, t => t.Key, t => t.Value);
        using var cmd = Command(connection, tx, """
            INSERT INTO tags (run_key, key, value) SELECT @r, k, v FROM unnest(@k, @v) AS u(k, v)
            ON CONFLICT (run_key, key) DO UPDATE SET value = excluded.value;
            SELECT COUNT(*) FROM tags WHERE run_key = @r
            """);
        cmd.Long("r", runKey).Array("k", NpgsqlDbType.Text, last.Keys).Array("v", NpgsqlDbType.Text, last.Values);
        Limits.CheckTagCount((long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!, "the run");
    }

    /// <summary>Keys and values with each key once, holding its last value (as upserting them one by one would).</summary>
    private static (string[] Keys, string[] Values) LastPerKey<T>(IReadOnlyList<T> items, Func<T, string> key, Func<T, string> value)
    {
        var last = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var item in items)
        {
            last[key(item)] = value(item);
        }

        return (last.Keys.ToArray(), last.Values.ToArray());
    }
}
