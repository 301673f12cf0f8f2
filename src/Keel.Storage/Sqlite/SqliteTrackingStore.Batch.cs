using System.Runtime.InteropServices;
using System.Text;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Keel.Storage.Sqlite;

// log-batch's metrics, the tracking store's hot write, through two statements prepared once on the
// writer connection and bound by position with SQLitePCL (no SqliteParameter objects, no
// parameter-name lookups, each key encoded to UTF-8 once per batch and bound only when it changes).
// Rows are inserted grouped by key (a stable counting sort), so consecutive inserts land next to
// each other in the metrics b-tree. A multi-row INSERT was measured and is not used: with the
// foreign key on run_key SQLite opens a statement journal for every multi-row INSERT, which
// spilled to a temp file (docs/benchmarks-tracking.md).
public sealed partial class SqliteTrackingStore
{
    private const string AppendSql = "INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

    private const string StoredSql = "SELECT 1 FROM metrics WHERE run_key = ?1 AND key = ?2 AND step = ?3 AND timestamp = ?4 AND value = ?5 AND is_nan = ?6";

    /// <summary>The prepared statements of the writer connection; only touched inside writes (one writer thread).</summary>
    private sqlite3_stmt? _append;
    private sqlite3_stmt? _stored;
    private sqlite3? _appendDatabase;

    /// <summary>A metric row waiting for its insert; <see cref="Key"/> indexes the batch's keys in first-seen order.</summary>
    private readonly record struct MetricRow(int Key, long Step, long Timestamp, long Seq, double Value, short IsNan);

    /// <summary>
    /// A batch of metrics. A metric newer (step, timestamp) than everything stored for its key and
    /// everything before it in the batch (the usual append) cannot equal a stored observation: it is
    /// inserted without a lookup. The others may repeat one, stored or earlier in the batch: they are
    /// inserted after every append of the batch, in batch order per key, each only if no identical
    /// (step, timestamp, value) is stored, so exact duplicates are ignored as MLflow does. (A later
    /// append never equals an earlier older-or-equal point: it is strictly newer.) Seqs follow the
    /// batch's order, so history order is arrival order; each key's latest value is read and moved
    /// once per batch.
    /// </summary>
    private void InsertMetrics(SqliteTransaction tx, long runKey, IReadOnlyList<Metric> metrics)
    {
        if (metrics.Count == 0)
        {
            return;
        }

        var db = tx.Connection!.Handle!;
        var (append, stored) = MetricStatements(db);
        var keyIndex = new Dictionary<string, int>(StringComparer.Ordinal);
        var keys = new List<BatchKey>();
        var appends = new MetricRow[metrics.Count];
        var appendCount = 0;
        var older = new List<MetricRow>();
        foreach (var metric in metrics)
        {
            if (!keyIndex.TryGetValue(metric.Key, out var k))
            {
                k = keyIndex[metric.Key] = keys.Count;
                keys.Add(new BatchKey(metric.Key, Encoding.UTF8.GetBytes(metric.Key), NewestStored(tx, runKey, metric.Key)));
            }

            var (value, isNan) = TrackingColumns.StoredValue(metric.Value);
            var row = new MetricRow(k, metric.Step, metric.Timestamp, _nextSeq++, value, isNan);
            var key = keys[k];
            if (key.Newest is not { } known || (row.Step, row.Timestamp).CompareTo(known) > 0)
            {
                appends[appendCount++] = row;
                key.Newest = (row.Step, row.Timestamp);
                key.Latest = row;
            }
            else
            {
                older.Add(row);
            }
        }

        try
        {
            CheckRc(raw.sqlite3_bind_int64(append, 1, runKey), db);
            CheckRc(raw.sqlite3_bind_int64(stored, 1, runKey), db);
            InsertGrouped(db, append, null, appends.AsSpan(0, appendCount), keys);
            InsertGrouped(db, append, stored, CollectionsMarshal.AsSpan(older), keys);
        }
        finally
        {
            raw.sqlite3_reset(append);
            raw.sqlite3_reset(stored);
        }

        foreach (var key in keys)
        {
            if (key.Latest is { } row)
            {
                var upsert = _database.Statement(tx, UpsertLatestSql);
                var p = upsert.Parameters;
                p.AddWithValue("$r", runKey);
                p.AddWithValue("$k", key.Name);
                p.AddWithValue("$s", row.Step);
                p.AddWithValue("$t", row.Timestamp);
                p.AddWithValue("$q", row.Seq);
                p.AddWithValue("$v", row.Value);
                p.AddWithValue("$n", row.IsNan);
                upsert.ExecuteNonQuery();
            }
        }
    }

    /// <summary>
    /// Inserts <paramref name="rows"/> grouped by key (a stable counting sort: each key's rows keep
    /// their order), binding the key and is_nan only when they change (bindings stay across resets).
    /// With <paramref name="stored"/>, a row is skipped when an identical observation is stored, and
    /// an inserted row becomes its key's latest when its (step, timestamp, seq) is higher.
    /// </summary>
    private static void InsertGrouped(sqlite3 db, sqlite3_stmt append, sqlite3_stmt? stored, ReadOnlySpan<MetricRow> rows, List<BatchKey> keys)
    {
        if (rows.IsEmpty)
        {
            return;
        }

        var starts = new int[keys.Count + 1];
        foreach (var row in rows)
        {
            starts[row.Key + 1]++;
        }

        for (var k = 1; k < starts.Length; k++)
        {
            starts[k] += starts[k - 1];
        }

        var sorted = new MetricRow[rows.Length];
        foreach (var row in rows)
        {
            sorted[starts[row.Key]++] = row;
        }

        var boundKey = -1;
        short boundNan = -1;
        foreach (var row in sorted)
        {
            if (row.Key != boundKey)
            {
                CheckRc(raw.sqlite3_bind_text(append, 2, keys[row.Key].Utf8), db);
                if (stored is not null)
                {
                    CheckRc(raw.sqlite3_bind_text(stored, 2, keys[row.Key].Utf8), db);
                }

                boundKey = row.Key;
            }

            if (row.IsNan != boundNan)
            {
                CheckRc(raw.sqlite3_bind_int64(append, 7, row.IsNan), db);
                boundNan = row.IsNan;
            }

            if (stored is not null)
            {
                CheckRc(raw.sqlite3_bind_int64(stored, 3, row.Step), db);
                CheckRc(raw.sqlite3_bind_int64(stored, 4, row.Timestamp), db);
                CheckRc(raw.sqlite3_bind_double(stored, 5, row.Value), db);
                CheckRc(raw.sqlite3_bind_int64(stored, 6, row.IsNan), db);
                var found = raw.sqlite3_step(stored);
                raw.sqlite3_reset(stored);
                if (found == raw.SQLITE_ROW)
                {
                    continue; // An identical observation is already stored.
                }

                if (found != raw.SQLITE_DONE)
                {
                    CheckRc(found, db);
                }

                var key = keys[row.Key];
                if (key.Latest is not { } latest || (row.Step, row.Timestamp, row.Seq).CompareTo((latest.Step, latest.Timestamp, latest.Seq)) > 0)
                {
                    key.Latest = row;
                }
            }

            CheckRc(raw.sqlite3_bind_int64(append, 3, row.Step), db);
            CheckRc(raw.sqlite3_bind_int64(append, 4, row.Timestamp), db);
            CheckRc(raw.sqlite3_bind_int64(append, 5, row.Seq), db);
            CheckRc(raw.sqlite3_bind_double(append, 6, row.Value), db);
            var rc = raw.sqlite3_step(append);
            if (rc != raw.SQLITE_DONE)
            {
                CheckRc(rc, db); // The caller's finally resets the statement.
            }

            raw.sqlite3_reset(append);
        }
    }

    /// <summary>The newest (step, timestamp) stored for a run's key; null when it has none.</summary>
    private (long Step, long Timestamp)? NewestStored(SqliteTransaction tx, long runKey, string key)
    {
        var read = _database.Statement(tx, "SELECT step, timestamp FROM latest_metrics WHERE run_key = $r AND key = $k");
        read.Parameters.AddWithValue("$r", runKey);
        read.Parameters.AddWithValue("$k", key);
        using var reader = read.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt64(1)) : null;
    }

    /// <summary>The prepared statements of <paramref name="db"/>, prepared on first use (and again if the writer connection changed).</summary>
    private (sqlite3_stmt Append, sqlite3_stmt Stored) MetricStatements(sqlite3 db)
    {
        if (_append is null || _stored is null || !ReferenceEquals(_appendDatabase, db) || _append.IsInvalid || _stored.IsInvalid)
        {
            _append?.Dispose();
            _stored?.Dispose();
            CheckRc(raw.sqlite3_prepare_v2(db, AppendSql, out var append), db);
            _database.OwnStatement(append);
            CheckRc(raw.sqlite3_prepare_v2(db, StoredSql, out var stored), db);
            _database.OwnStatement(stored);
            (_append, _stored, _appendDatabase) = (append, stored, db);
        }

        return (_append, _stored);
    }

    private static void CheckRc(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }

    /// <summary>One key of a batch: its name, UTF-8 bytes, newest stored-or-batched (step, timestamp), and the row that becomes its latest.</summary>
    private sealed class BatchKey(string name, byte[] utf8, (long Step, long Timestamp)? newest)
    {
        public string Name { get; } = name;

        public byte[] Utf8 { get; } = utf8;

        public (long Step, long Timestamp)? Newest { get; set; } = newest;

        public MetricRow? Latest { get; set; }
    }
}
