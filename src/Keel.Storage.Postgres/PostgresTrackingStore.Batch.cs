using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sql;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

public sealed partial class PostgresTrackingStore
{
    private const string UpsertLatestFromArraysSql = $"""
        INSERT INTO latest_metrics (run_key, key, value, is_nan, timestamp, step, seq)
        SELECT @r, u.key, u.value, u.is_nan, u.timestamp, u.step, u.seq
        FROM unnest(@k, @v, @n, @t, @s, @q) AS u(key, value, is_nan, timestamp, step, seq)
        {UpsertLatestSet}
        """;

    /// <inheritdoc />
    public Task LogBatchAsync(string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<Param> @params, IReadOnlyList<RunTag> tags, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        ArgumentNullException.ThrowIfNull(metrics);
        @params = [.. @params.Select(p => p is { Key: not null, Value: not null } ? TrackingValidator.Truncated(p, Limits.TruncateLongValues) : p)];
        tags = [.. tags.Select(t => t is { Key: not null, Value: not null } ? TrackingValidator.Truncated(t, Limits.TruncateLongValues) : t)];
        TrackingValidator.ValidateBatch(metrics, @params, tags);
        var renames = tags.Any(t => t.Key == RunNameTag);
        return WriteAsync(async (connection, tx) =>
        {
            var (runKey, newest, seqs) = await BeginBatchAsync(connection, tx, runId, renames ? RunLock.Update : RunLock.Write, metrics, cancellationToken).ConfigureAwait(false);
            await InsertParamsAsync(connection, tx, runKey, runId, @params, cancellationToken).ConfigureAwait(false);
            await InsertMetricsAsync(connection, tx, runKey, metrics, newest, seqs, cancellationToken).ConfigureAwait(false);
            await SetRunTagsAsync(connection, tx, runKey, tags, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>A metric row as stored.</summary>
    private readonly record struct MetricRow(string Key, long Step, long Timestamp, double Value, short IsNan);

    /// <summary>
    /// The batch's first round trip: the run read and locked (as <see cref="LookupRunAsync"/>), the
    /// newest stored (step, timestamp) of each of the batch's keys, and a seq for every metric.
    /// </summary>
    private static async Task<(long RunKey, Dictionary<string, (long Step, long Timestamp)> Newest, long[] Seqs)> BeginBatchAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string runId, RunLock mode, IReadOnlyList<Metric> metrics, CancellationToken cancellationToken)
    {
        var newest = new Dictionary<string, (long Step, long Timestamp)>(StringComparer.Ordinal);
        var seqs = new long[metrics.Count];
        if (metrics.Count == 0)
        {
            return (await RequireActiveRunAsync(connection, tx, runId, mode, cancellationToken).ConfigureAwait(false), newest, seqs);
        }

        using var cmd = Command(connection, tx, $"""
            {LookupRunSql(mode)};
            SELECT key, step, timestamp FROM latest_metrics WHERE run_key = (SELECT run_key FROM runs WHERE run_uuid = @id) AND key = ANY(@k);
            SELECT nextval('metric_seq') FROM generate_series(1, @count)
            """);
        cmd.Text("id", runId).Array("k", NpgsqlDbType.Text, metrics.Select(m => m.Key).Distinct(StringComparer.Ordinal).ToArray()).Int("count", metrics.Count);
        long runKey;
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw RunNotFound(runId);
            }

            runKey = reader.GetInt64(0);
            RequireActive(runId, reader.GetString(1), reader.GetString(2));
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                newest[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            for (var i = 0; await reader.ReadAsync(cancellationToken).ConfigureAwait(false); i++)
            {
                seqs[i] = reader.GetInt64(0);
            }
        }

        return (runKey, newest, seqs);
    }

    /// <summary>
    /// A batch of metrics, streamed with binary COPY. COPY cannot skip a row, so the rows are decided
    /// first, as SQLite's store decides them: exact repeats inside the batch are dropped; a point newer
    /// (step, timestamp) than everything stored for its key cannot repeat a stored one; the others are
    /// looked up in one query and dropped if stored. Each key's latest value is then moved once.
    /// </summary>
    private static async Task InsertMetricsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, long runKey, IReadOnlyList<Metric> metrics,
        Dictionary<string, (long Step, long Timestamp)> newest, long[] seqs, CancellationToken cancellationToken)
    {
        if (metrics.Count == 0)
        {
            return;
        }

        var rows = new List<(MetricRow Row, long Seq)>(metrics.Count);
        var seen = new HashSet<MetricRow>(metrics.Count);
        var maybeStored = new List<MetricRow>();
        for (var i = 0; i < metrics.Count; i++)
        {
            var m = metrics[i];
            var (value, isNan) = TrackingColumns.StoredValue(m.Value);
            var row = new MetricRow(m.Key, m.Step, m.Timestamp, value, isNan);
            if (!seen.Add(row))
            {
                continue; // An exact repeat inside the batch.
            }

            if (newest.TryGetValue(m.Key, out var known) && (m.Step, m.Timestamp).CompareTo(known) <= 0)
            {
                maybeStored.Add(row);
            }

            rows.Add((row, seqs[i]));
        }

        if (maybeStored.Count > 0)
        {
            var stored = await StoredRowsAsync(connection, tx, runKey, maybeStored, cancellationToken).ConfigureAwait(false);
            if (stored.Count > 0)
            {
                rows.RemoveAll(r => stored.Contains(r.Row));
            }
        }

        if (rows.Count == 0)
        {
            return;
        }

        var importer = await connection.BeginBinaryImportAsync(
            "COPY metrics (run_key, key, step, timestamp, value, is_nan, seq) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (importer.ConfigureAwait(false))
        {
            foreach (var (row, seq) in rows)
            {
                await importer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(runKey, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Key, NpgsqlDbType.Text, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Step, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Timestamp, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.Value, NpgsqlDbType.Double, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(row.IsNan, NpgsqlDbType.Smallint, cancellationToken).ConfigureAwait(false);
                await importer.WriteAsync(seq, NpgsqlDbType.Bigint, cancellationToken).ConfigureAwait(false);
            }

            await importer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        await UpsertLatestAsync(connection, tx, runKey, rows, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Which of <paramref name="candidates"/> are stored already (one query).</summary>
    private static async Task<HashSet<MetricRow>> StoredRowsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long runKey, List<MetricRow> candidates, CancellationToken cancellationToken)
    {
        using var cmd = Command(connection, tx, """
            SELECT m.key, m.step, m.timestamp, m.value, m.is_nan
            FROM unnest(@k, @s, @t, @v, @n) AS u(key, step, timestamp, value, is_nan)
            JOIN metrics m ON m.run_key = @r AND m.key = u.key AND m.step = u.step AND m.timestamp = u.timestamp AND m.value = u.value AND m.is_nan = u.is_nan
            """);
        cmd.Long("r", runKey)
            .Array("k", NpgsqlDbType.Text, candidates.Select(c => c.Key).ToArray())
            .Array("s", NpgsqlDbType.Bigint, candidates.Select(c => c.Step).ToArray())
            .Array("t", NpgsqlDbType.Bigint, candidates.Select(c => c.Timestamp).ToArray())
            .Array("v", NpgsqlDbType.Double, candidates.Select(c => c.Value).ToArray())
            .Array("n", NpgsqlDbType.Smallint, candidates.Select(c => c.IsNan).ToArray());
        var found = await cmd.ListAsync(r => new MetricRow(r.GetString(0), r.GetInt64(1), r.GetInt64(2), r.GetDouble(3), r.GetInt16(4)), cancellationToken).ConfigureAwait(false);
        return [.. found];
    }

    /// <summary>Moves each key's latest value once, to the batch's newest row of that key if it is newer.</summary>
    private static async Task UpsertLatestAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long runKey, List<(MetricRow Row, long Seq)> rows, CancellationToken cancellationToken)
    {
        var best = new Dictionary<string, (MetricRow Row, long Seq)>(StringComparer.Ordinal);
        foreach (var (row, seq) in rows)
        {
            if (!best.TryGetValue(row.Key, out var current) || (row.Step, row.Timestamp, seq).CompareTo((current.Row.Step, current.Row.Timestamp, current.Seq)) > 0)
            {
                best[row.Key] = (row, seq);
            }
        }

        var latest = best.Values.ToArray();
        using var cmd = Command(connection, tx, UpsertLatestFromArraysSql);
        cmd.Long("r", runKey)
            .Array("k", NpgsqlDbType.Text, latest.Select(l => l.Row.Key).ToArray())
            .Array("v", NpgsqlDbType.Double, latest.Select(l => l.Row.Value).ToArray())
            .Array("n", NpgsqlDbType.Smallint, latest.Select(l => l.Row.IsNan).ToArray())
            .Array("t", NpgsqlDbType.Bigint, latest.Select(l => l.Row.Timestamp).ToArray())
            .Array("s", NpgsqlDbType.Bigint, latest.Select(l => l.Row.Step).ToArray())
            .Array("q", NpgsqlDbType.Bigint, latest.Select(l => l.Seq).ToArray());
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
