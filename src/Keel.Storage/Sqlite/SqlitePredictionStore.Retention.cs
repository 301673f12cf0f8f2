using Keel.Core.Predictions;
using Keel.Storage.Predictions;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// Retention: each delete is one short write on the shared writer (a batch of rows found through an
// index), so the log's appends and tracking writes interleave with a long prune instead of waiting
// for it. Deleted pages go to SQLite's free list and are reused by new records: the file stops
// growing rather than shrinking (VACUUM gives the space back to the file system).
public sealed partial class SqlitePredictionStore
{
    /// <summary>
    /// Bytes per record beyond its stored text (request id, inputs, outputs): the record header and
    /// integers, the two index entries and B-tree page slack. Measured with bench/predictions/disk-cost.sh:
    /// the file size over the summed text lengths of 1M records, for small and large records.
    /// </summary>
    internal const int RecordOverheadBytes = 120;

    /// <summary>How many of the newest records the size estimate averages over.</summary>
    private const int SizeSample = 1000;

    /// <inheritdoc />
    public Task<PredictionPruneResult> PruneAsync(PredictionRetention retention, long nowMs, CancellationToken cancellationToken = default) =>
        PredictionLogPruner.PruneAsync(new Pruning(this), retention, nowMs, cancellationToken);

    /// <summary>Runs one delete of log records (returning their request ids) and deletes the feedback no remaining record carries, in one write.</summary>
    private Task<(long Rows, long Feedback)> DeleteAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken) =>
        database.WriteAsync(tx =>
        {
            var delete = database.Statement(tx, sql);
            bind(delete);
            var requestIds = new HashSet<string>(StringComparer.Ordinal);
            long rows = 0;
            using (var reader = delete.ExecuteReader())
            {
                while (reader.Read())
                {
                    requestIds.Add(reader.GetString(0));
                    rows++;
                }
            }

            long labels = 0;
            if (requestIds.Count > 0)
            {
                // A client may reuse a request id: feedback stays while any record with the id does.
                var orphans = database.Statement(tx, "DELETE FROM prediction_feedback WHERE request_id = $r AND NOT EXISTS (SELECT 1 FROM prediction_log WHERE request_id = $r)");
                var id = orphans.Parameters.Add("$r", SqliteType.Text);
                foreach (var requestId in requestIds)
                {
                    id.Value = requestId;
                    labels += orphans.ExecuteNonQuery();
                }
            }

            return (rows, labels);
        }, cancellationToken);

    /// <summary>The distinct model names in the log, each found with one index seek (a skip scan of the model-time index).</summary>
    private List<string> ModelNames()
    {
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            WITH RECURSIVE m(name) AS (
                SELECT MIN(model_name) FROM prediction_log
                UNION ALL
                SELECT (SELECT MIN(model_name) FROM prediction_log WHERE model_name > m.name) FROM m WHERE m.name IS NOT NULL)
            SELECT name FROM m WHERE name IS NOT NULL
            """;
        var names = new List<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    /// <summary>
    /// The log's estimated size: records (highest id - lowest id + 1; ids only grow, and pruning
    /// removes the oldest, so there are few gaps) times the average stored size of the newest
    /// <see cref="SizeSample"/> records plus <see cref="RecordOverheadBytes"/>. Two index seeks and
    /// a short scan of the end of the table, whatever the log's size.
    /// </summary>
    internal (long MinId, long MaxId, double BytesPerRecord, long Bytes) Size()
    {
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT (SELECT MIN(id) FROM prediction_log), (SELECT MAX(id) FROM prediction_log),
                   (SELECT AVG(octet_length(request_id) + octet_length(inputs) + octet_length(outputs) + octet_length(model_name) + octet_length(model_version))
                    FROM (SELECT request_id, inputs, outputs, model_name, model_version FROM prediction_log ORDER BY id DESC LIMIT $n))
            """;
        cmd.Parameters.AddWithValue("$n", SizeSample);
        using var reader = cmd.ExecuteReader();
        reader.Read();
        if (reader.IsDBNull(0))
        {
            return (0, 0, RecordOverheadBytes, 0);
        }

        var min = reader.GetInt64(0);
        var max = reader.GetInt64(1);
        var perRecord = StoredBytes(reader.GetDouble(2), PageSize(connection));
        return (min, max, perRecord, (long)Math.Round((max - min + 1) * perRecord, MidpointRounding.AwayFromZero));
    }

    /// <summary>
    /// Disk bytes of one record with <paramref name="text"/> bytes of text: small records share leaf
    /// pages; a record larger than a page keeps a local part in a leaf (with SQLite's overflow rule,
    /// https://www.sqlite.org/fileformat2.html#overflow) and the rest in whole overflow pages, and
    /// few such local parts fit a leaf, which leaves slack an average of the text would miss.
    /// </summary>
    internal static double StoredBytes(double text, int pageSize)
    {
        var payload = text + 16; // the integer columns and the record header
        var usable = pageSize;
        var maxLocal = usable - 35;
        if (payload <= maxLocal)
        {
            return text + RecordOverheadBytes;
        }

        var minLocal = ((usable - 12) * 32 / 255) - 23;
        var local = minLocal + ((payload - minLocal) % (usable - 4));
        if (local > maxLocal)
        {
            local = minLocal;
        }

        var overflowPages = Math.Ceiling((payload - local) / (usable - 4));
        var cellsPerLeaf = Math.Max(1, Math.Floor((usable - 8) / (local + 16)));
        return (usable / cellsPerLeaf) + (overflowPages * pageSize) + (RecordOverheadBytes - 16);
    }

    private static int PageSize(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA page_size";
        return Convert.ToInt32(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>The estimated size in bytes of the log (see <see cref="PredictionRetention.MaxBytes"/>).</summary>
    public long EstimatedBytes() => Size().Bytes;

    /// <summary>This store's statements for <see cref="PredictionLogPruner"/>.</summary>
    private sealed class Pruning(SqlitePredictionStore store) : IPredictionLogPruning
    {
        public Task<IReadOnlyList<string>> ModelNamesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlyList<string>>(store.ModelNames());

        public Task<(long Rows, long Feedback)> DeleteOlderAsync(string model, long cutoffMs, int limit, CancellationToken cancellationToken) =>
            store.DeleteAsync(
                "DELETE FROM prediction_log WHERE id IN (SELECT id FROM prediction_log WHERE model_name = $m AND timestamp < $cut LIMIT $n) RETURNING request_id",
                cmd =>
                {
                    cmd.Parameters.AddWithValue("$m", model);
                    cmd.Parameters.AddWithValue("$cut", cutoffMs);
                    cmd.Parameters.AddWithValue("$n", limit);
                },
                cancellationToken);

        public Task<(long Rows, long Feedback)> DeleteIdsAsync(long fromId, long toId, CancellationToken cancellationToken) =>
            store.DeleteAsync(
                "DELETE FROM prediction_log WHERE id >= $a AND id < $b RETURNING request_id",
                cmd =>
                {
                    cmd.Parameters.AddWithValue("$a", fromId);
                    cmd.Parameters.AddWithValue("$b", toId);
                },
                cancellationToken);

        public Task<PredictionLogSize> SizeAsync(CancellationToken cancellationToken)
        {
            var (minId, maxId, perRecord, bytes) = store.Size();
            return Task.FromResult(new PredictionLogSize(minId, maxId, perRecord, bytes));
        }
    }
}
