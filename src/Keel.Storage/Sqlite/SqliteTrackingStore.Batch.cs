using System.Text;
using Keel.Core.Tracking;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Keel.Storage.Sqlite;

// log-batch's metrics, the tracking store's hot write. Appends (a point newer than everything
// stored for its key) are collected, grouped by key (a stable counting sort: a key's appends keep
// their order) and inserted with one prepared statement bound by position with SQLitePCL: no
// SqliteParameter objects, no parameter-name lookups, each key encoded to UTF-8 once per batch and
// bound only when it changes, and consecutive inserts land next to each other in the metrics
// b-tree. The rare older-or-equal point takes the guarded insert with the duplicate probe.
// A multi-row INSERT was measured and is not used: with the foreign key on run_key SQLite opens a
// statement journal for every multi-row INSERT, which spilled to a temp file (docs/benchmarks-tracking.md).
public sealed partial class SqliteTrackingStore
{
    private const string AppendSql = "INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)";

    /// <summary>The prepared append of the writer connection; only touched inside writes (one writer thread).</summary>
    private sqlite3_stmt? _append;
    private sqlite3? _appendDatabase;

    /// <summary>A metric row waiting for its insert; <see cref="Key"/> indexes the batch's keys in first-seen order.</summary>
    private readonly record struct AppendRow(int Key, long Step, long Timestamp, long Seq, double Value, short IsNan);

    /// <summary>
    /// A batch of metrics: each key's latest value is read and updated once per batch, not once per
    /// metric, and a metric newer than everything stored for its key (the usual append) skips the
    /// duplicate probe — it cannot equal a stored observation. Older ones, and repeats inside the
    /// batch, still take the probe (after the appends before them are written), so exact duplicates
    /// are ignored as MLflow does. Seqs follow the batch's order, so history order is arrival order.
    /// </summary>
    private void InsertMetrics(SqliteTransaction tx, long runKey, IReadOnlyList<Metric> metrics)
    {
        if (metrics.Count == 0)
        {
            return;
        }

        var db = tx.Connection!.Handle!;
        var append = AppendStatement(db);
        var keys = new Dictionary<string, int>(StringComparer.Ordinal);
        var utf8 = new List<byte[]>();
        var newest = new List<(long Step, long Timestamp)?>();
        var latest = new Dictionary<string, (Metric Metric, double Value, short IsNan, long Seq)>(StringComparer.Ordinal);
        var pending = new AppendRow[metrics.Count];
        var count = 0;
        try
        {
            CheckRc(raw.sqlite3_bind_int64(append, 1, runKey), db);
            foreach (var metric in metrics)
            {
                if (!keys.TryGetValue(metric.Key, out var k))
                {
                    k = keys[metric.Key] = keys.Count;
                    utf8.Add(Encoding.UTF8.GetBytes(metric.Key));
                    newest.Add(NewestStored(tx, runKey, metric.Key));
                }

                var (value, isNan) = TrackingColumns.StoredValue(metric.Value);
                var seq = _nextSeq++;
                var known = newest[k];
                if (known is null || (metric.Step, metric.Timestamp).CompareTo(known.Value) > 0)
                {
                    pending[count++] = new AppendRow(k, metric.Step, metric.Timestamp, seq, value, isNan);
                    newest[k] = (metric.Step, metric.Timestamp);
                }
                else
                {
                    // It may repeat a stored point or one still pending in this batch: write those first.
                    AppendGrouped(db, append, pending.AsSpan(0, count), utf8);
                    count = 0;
                    var insert = _database.Statement(tx, InsertMetricSql);
                    BindMetric(insert.Parameters, runKey, metric, value, isNan, seq);
                    if (insert.ExecuteNonQuery() == 0)
                    {
                        continue; // An identical observation is already stored.
                    }
                }

                if (!latest.TryGetValue(metric.Key, out var best)
                    || (metric.Step, metric.Timestamp, seq).CompareTo((best.Metric.Step, best.Metric.Timestamp, best.Seq)) > 0)
                {
                    latest[metric.Key] = (metric, value, isNan, seq);
                }
            }

            AppendGrouped(db, append, pending.AsSpan(0, count), utf8);
        }
        finally
        {
            raw.sqlite3_reset(append);
        }

        foreach (var (metric, value, isNan, seq) in latest.Values)
        {
            var upsert = _database.Statement(tx, UpsertLatestSql);
            BindMetric(upsert.Parameters, runKey, metric, value, isNan, seq);
            upsert.ExecuteNonQuery();
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

    /// <summary>
    /// Inserts <paramref name="rows"/> grouped by key (a stable counting sort, so each key's rows keep
    /// their order), binding the key and is_nan only when they change: bindings stay across resets.
    /// </summary>
    private static void AppendGrouped(sqlite3 db, sqlite3_stmt append, ReadOnlySpan<AppendRow> rows, List<byte[]> utf8)
    {
        if (rows.IsEmpty)
        {
            return;
        }

        var starts = new int[utf8.Count + 1];
        foreach (var row in rows)
        {
            starts[row.Key + 1]++;
        }

        for (var k = 1; k < starts.Length; k++)
        {
            starts[k] += starts[k - 1];
        }

        var sorted = new AppendRow[rows.Length];
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
                CheckRc(raw.sqlite3_bind_text(append, 2, utf8[row.Key]), db);
                boundKey = row.Key;
            }

            if (row.IsNan != boundNan)
            {
                CheckRc(raw.sqlite3_bind_int64(append, 7, row.IsNan), db);
                boundNan = row.IsNan;
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

    /// <summary>The prepared append of <paramref name="db"/>, prepared on first use (and again if the writer connection changed).</summary>
    private sqlite3_stmt AppendStatement(sqlite3 db)
    {
        if (_append is null || !ReferenceEquals(_appendDatabase, db) || _append.IsInvalid)
        {
            _append?.Dispose();
            CheckRc(raw.sqlite3_prepare_v2(db, AppendSql, out var statement), db);
            _database.OwnStatement(statement);
            (_append, _appendDatabase) = (statement, db);
        }

        return _append;
    }

    private static void CheckRc(int rc, sqlite3 db)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, db);
        }
    }
}
