using Keel.Core.Predictions;
using Keel.Storage.Predictions;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

// Retention: each delete is one short transaction (a batch of rows found through an index), so
// appends from every process interleave with a long prune. Deleted rows' space is reused by new rows
// once (auto)vacuum has passed: the table stops growing rather than shrinking, as SQLite's file does.
// The size limit is measured the way SQLite's is (records times an average record), not with
// pg_total_relation_size, which does not fall after a delete and would have a prune delete everything.
public sealed partial class PostgresPredictionStore
{
    /// <summary>
    /// Bytes per record beyond its stored text (request id, names, inputs, outputs as stored, after
    /// compression): the tuple header and item pointer, the integer columns, the entries of the primary
    /// key, model-time and request indexes (the request id and model name are in them again), and
    /// B-tree leaf slack. Measured with <c>bench/predictions/pg-append.sh</c>: the table's total
    /// relation size minus its records' stored text, over 300,000 single-row records (357 bytes a
    /// record, 129 of them text); larger records are dominated by their text, which is measured.
    /// </summary>
    internal const int RecordOverheadBytes = 228;

    /// <summary>How many of the newest records the size estimate averages over.</summary>
    private const int SizeSample = 1000;

    /// <inheritdoc />
    public Task<PredictionPruneResult> PruneAsync(PredictionRetention retention, long nowMs, CancellationToken cancellationToken = default) =>
        PredictionLogPruner.PruneAsync(new Pruning(this), retention, nowMs, cancellationToken);

    /// <summary>The estimated size in bytes of the log (see <see cref="PredictionRetention.MaxBytes"/>).</summary>
    public async Task<long> EstimatedBytesAsync(CancellationToken cancellationToken = default) =>
        (await SizeAsync(cancellationToken).ConfigureAwait(false)).Bytes;

    /// <summary>
    /// Runs one delete of log records (returning their request ids), then deletes the feedback no
    /// remaining record carries, in one transaction. (Two statements: a data-modifying CTE would see
    /// the log as it was before its own delete.)
    /// </summary>
    private Task<(long Rows, long Feedback)> DeleteAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken) =>
        database.WriteAsync(
            async (connection, tx) =>
            {
                List<string> requestIds;
                using (var delete = new NpgsqlCommand(sql, connection, tx))
                {
                    bind(delete);
                    requestIds = await delete.ListAsync(r => r.GetString(0), cancellationToken).ConfigureAwait(false);
                }

                long labels = 0;
                if (requestIds.Count > 0)
                {
                    // A client may reuse a request id: feedback stays while any record with the id does.
                    using var orphans = new NpgsqlCommand(
                        "DELETE FROM prediction_feedback f WHERE f.request_id = ANY(@r) AND NOT EXISTS (SELECT 1 FROM prediction_log l WHERE l.request_id = f.request_id)",
                        connection,
                        tx);
                    orphans.Array("r", NpgsqlDbType.Text, requestIds.Distinct(StringComparer.Ordinal).ToArray());
                    labels = await orphans.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                return ((long)requestIds.Count, labels);
            },
            cancellationToken);

    /// <summary>The distinct model names in the log, each found with one index seek (a loose scan of the model-time index).</summary>
    private async Task<List<string>> ModelNamesAsync(CancellationToken cancellationToken)
    {
        using var cmd = database.Command("""
            WITH RECURSIVE m(name) AS (
                SELECT MIN(model_name) FROM prediction_log
                UNION ALL
                SELECT (SELECT MIN(model_name) FROM prediction_log WHERE model_name > m.name) FROM m WHERE m.name IS NOT NULL)
            SELECT name FROM m WHERE name IS NOT NULL
            """);
        return await cmd.ListAsync(r => r.GetString(0), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The log's estimated size: records (highest id - lowest id + 1; ids only grow, and pruning
    /// removes the oldest, so there are few gaps) times the average stored size of the newest
    /// <see cref="SizeSample"/> records (<c>pg_column_size</c>: compressed and out-of-line values as
    /// stored) plus <see cref="RecordOverheadBytes"/>. Two index seeks and a short scan of the end of
    /// the primary key, whatever the log's size.
    /// </summary>
    internal async Task<(long MinId, long MaxId, double BytesPerRecord, long Bytes)> SizeAsync(CancellationToken cancellationToken)
    {
        using var cmd = database.Command("""
            SELECT (SELECT MIN(id) FROM prediction_log), (SELECT MAX(id) FROM prediction_log),
                   (SELECT AVG(pg_column_size(request_id) + pg_column_size(inputs) + pg_column_size(outputs) + pg_column_size(model_name) + pg_column_size(model_version))::double precision
                    FROM (SELECT request_id, inputs, outputs, model_name, model_version FROM prediction_log ORDER BY id DESC LIMIT @n) s)
            """).Int("n", SizeSample);
        var (min, max, text) = (await cmd.ListAsync(r => (r.GetNullableInt64(0), r.GetNullableInt64(1), r.GetNullableDouble(2)), cancellationToken).ConfigureAwait(false))[0];
        if (min is not { } lowest || max is not { } highest)
        {
            return (0, 0, RecordOverheadBytes, 0);
        }

        var perRecord = (text ?? 0) + RecordOverheadBytes;
        return (lowest, highest, perRecord, (long)Math.Round((highest - lowest + 1) * perRecord, MidpointRounding.AwayFromZero));
    }

    /// <summary>This store's statements for <see cref="PredictionLogPruner"/>.</summary>
    private sealed class Pruning(PostgresPredictionStore store) : IPredictionLogPruning
    {
        public async Task<IReadOnlyList<string>> ModelNamesAsync(CancellationToken cancellationToken) =>
            await store.ModelNamesAsync(cancellationToken).ConfigureAwait(false);

        public Task<(long Rows, long Feedback)> DeleteOlderAsync(string model, long cutoffMs, int limit, CancellationToken cancellationToken) =>
            store.DeleteAsync(
                "DELETE FROM prediction_log WHERE id IN (SELECT id FROM prediction_log WHERE model_name = @m AND timestamp < @cut LIMIT @n) RETURNING request_id",
                cmd => cmd.Text("m", model).Long("cut", cutoffMs).Int("n", limit),
                cancellationToken);

        public Task<(long Rows, long Feedback)> DeleteIdsAsync(long fromId, long toId, CancellationToken cancellationToken) =>
            store.DeleteAsync(
                "DELETE FROM prediction_log WHERE id >= @a AND id < @b RETURNING request_id",
                cmd => cmd.Long("a", fromId).Long("b", toId),
                cancellationToken);

        public async Task<PredictionLogSize> SizeAsync(CancellationToken cancellationToken)
        {
            var (minId, maxId, perRecord, bytes) = await store.SizeAsync(cancellationToken).ConfigureAwait(false);
            return new PredictionLogSize(minId, maxId, perRecord, bytes);
        }
    }
}
