using System.Diagnostics;
using System.Globalization;
using Keel.Core.Tracking;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Tracking.Bench;

/// <summary>
/// Diagnosis, not a target measurement: where a metric write spends its time below HTTP. Times
/// Keel's store calls without the server, then the same SQL on a bare Microsoft.Data.Sqlite
/// connection with variations (parameters bound once, no duplicate guard, latest value once per
/// key, multi-row INSERT), and the cost of a durable commit. Uses a fresh database in --dir.
/// </summary>
internal static class StoreProfile
{
    private const string InsertGuarded = """
        INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan)
        SELECT $r, $k, $s, $t, $q, $v, $n
        WHERE NOT EXISTS (SELECT 1 FROM metrics WHERE run_key = $r AND key = $k AND step = $s AND timestamp = $t AND value = $v AND is_nan = $n)
        """;

    private const string InsertPlain = "INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan) VALUES ($r, $k, $s, $t, $q, $v, $n)";

    private const string UpsertLatest = """
        INSERT INTO latest_metrics (run_key, key, value, is_nan, timestamp, step, seq) VALUES ($r, $k, $v, $n, $t, $s, $q)
        ON CONFLICT (run_key, key) DO UPDATE SET
            value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step, seq = excluded.seq
        WHERE (excluded.step, excluded.timestamp, excluded.seq) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.seq)
        """;

    public static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var dir = options.Required("dir");
        var batches = options.Int("batches", 50);
        var single = options.Int("single", 20000);
        var only = options.Optional("only"); // "store" stops after the store's own calls (for perf record)
        Directory.CreateDirectory(dir);
        var db = Path.Combine(dir, $"profile-{Guid.NewGuid():N}.db");
        string runId;
        long seq = 1L << 40;
        await using (var store = new SqliteTrackingStore(db, Path.Combine(dir, "artifacts"), TimeProvider.System))
        {
            runId = (await store.CreateRunAsync(new CreateRunCommand("0", "bench", "profile", null, null), cancellationToken)).Info.RunId;
            var batch = 0;
            Report("store.LogBatchAsync, 1000 metrics/call, sequential", batches * 1000, await Measure.TimeAsync(async () =>
            {
                for (var b = 0; b < batches; b++, batch++)
                {
                    await store.LogBatchAsync(runId, Metrics(batch, 1000), [], [], cancellationToken);
                }
            }), "metrics/s");

            Report("store.LogBatchAsync, 1000 metrics/call, 8 in flight", batches * 1000, await Measure.TimeAsync(async () =>
            {
                var tasks = new List<Task>();
                for (var b = 0; b < batches; b++, batch++)
                {
                    tasks.Add(store.LogBatchAsync(runId, Metrics(batch, 1000), [], [], cancellationToken));
                    if (tasks.Count == 8)
                    {
                        await Task.WhenAll(tasks);
                        tasks.Clear();
                    }
                }

                await Task.WhenAll(tasks);
            }), "metrics/s");

            foreach (var inFlight in new[] { 1, 64 })
            {
                var step = 0L;
                Report($"store.LogMetricAsync, {inFlight} in flight", single / (inFlight == 1 ? 10 : 1), await Measure.TimeAsync(async () =>
                {
                    var n = single / (inFlight == 1 ? 10 : 1);
                    var tasks = new List<Task>(inFlight);
                    for (var i = 0; i < n; i++)
                    {
                        var s = Interlocked.Increment(ref step) + (inFlight * 100_000_000L);
                        tasks.Add(store.LogMetricAsync(runId, new Metric("single", 0.5, s, s), cancellationToken));
                        if (tasks.Count == inFlight)
                        {
                            await Task.WhenAll(tasks);
                            tasks.Clear();
                        }
                    }

                    await Task.WhenAll(tasks);
                }), "writes/s");
            }
        }

        if (only == "store")
        {
            return 0;
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        Exec(connection, "PRAGMA journal_mode=WAL");
        Exec(connection, "PRAGMA synchronous=FULL");
        long runKey;
        using (var find = connection.CreateCommand())
        {
            find.CommandText = "SELECT run_key FROM runs WHERE run_uuid = $id";
            find.Parameters.AddWithValue("$id", runId);
            runKey = (long)find.ExecuteScalar()!;
        }

        var start = 1_000_000_000L;
        for (var pass = 0; pass < 2; pass++)
        {
            // The first pass warms the JIT and the page cache; only the second is printed.
            var print = pass == 1;
            Report(print, "raw SQL as the store: guarded INSERT + latest UPSERT per metric, params re-added", batches * 1000,
                Measure.Time(() => RawBatches(connection, runKey, batches, ref start, ref seq, InsertGuarded, LatestMode.PerMetric, reuseParameters: false)), "metrics/s");
            Report(print, "raw SQL as the store, parameters bound once (Value only)", batches * 1000,
                Measure.Time(() => RawBatches(connection, runKey, batches, ref start, ref seq, InsertGuarded, LatestMode.PerMetric, reuseParameters: true)), "metrics/s");
            Report(print, "raw, plain INSERT (no NOT EXISTS guard) + latest per metric", batches * 1000,
                Measure.Time(() => RawBatches(connection, runKey, batches, ref start, ref seq, InsertPlain, LatestMode.PerMetric, reuseParameters: true)), "metrics/s");
            Report(print, "raw, plain INSERT + latest UPSERT once per key per batch", batches * 1000,
                Measure.Time(() => RawBatches(connection, runKey, batches, ref start, ref seq, InsertPlain, LatestMode.PerKey, reuseParameters: true)), "metrics/s");
            Report(print, "raw, plain INSERT only (floor: no latest_metrics)", batches * 1000,
                Measure.Time(() => RawBatches(connection, runKey, batches, ref start, ref seq, InsertPlain, LatestMode.None, reuseParameters: true)), "metrics/s");
            Report(print, "raw, 100-row multi-VALUES INSERT + latest once per key", batches * 1000,
                Measure.Time(() => MultiRowBatches(connection, runKey, batches, ref start, ref seq)), "metrics/s");
            Report(print, "raw, set-based: json_each batch INSERT + latest per key, no guard", batches * 1000,
                Measure.Time(() => JsonEachBatches(connection, runKey, batches, ref start, ref seq, guarded: false)), "metrics/s");
            Report(print, "raw, set-based: json_each batch INSERT with NOT EXISTS guard + latest per key", batches * 1000,
                Measure.Time(() => JsonEachBatches(connection, runKey, batches, ref start, ref seq, guarded: true)), "metrics/s");
        }

        // Durable commits of ~1 KB each (a few pages), enough to pass the 1000-page auto-checkpoint
        // several times: with SQLite's default the committing connection runs the checkpoint;
        // with wal_autocheckpoint=0 nothing does (a background connection would).
        Exec(connection, "PRAGMA synchronous=FULL");
        foreach (var autoCheckpoint in new[] { 1000, 0 })
        {
            Exec(connection, $"PRAGMA wal_autocheckpoint={autoCheckpoint}");
            Exec(connection, "PRAGMA wal_checkpoint(TRUNCATE)");
            var commits = new List<double>();
            for (var i = 0; i < 3000; i++)
            {
                var sw = Stopwatch.StartNew();
                using var tx = connection.BeginTransaction();
                using var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan) VALUES ($r, $k, $s, 0, $s, 0, 0)";
                cmd.Parameters.AddWithValue("$r", runKey);
                cmd.Parameters.AddWithValue("$k", "checkpoint-" + new string('x', 1000));
                cmd.Parameters.AddWithValue("$s", start++);
                cmd.ExecuteNonQuery();
                tx.Commit();
                commits.Add(sw.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PROFILE 3000 durable commits, wal_autocheckpoint={autoCheckpoint}: p50 {Stats.Median(commits):F3} ms, p99 {Stats.Percentile(commits, 99):F3} ms, p99.9 {Stats.Percentile(commits, 99.9):F3} ms, max {commits.Max():F3} ms"));
        }

        Exec(connection, "PRAGMA wal_autocheckpoint=1000");
        foreach (var sync in new[] { "FULL", "NORMAL" })
        {
            Exec(connection, $"PRAGMA synchronous={sync}");
            var commits = new List<double>();
            for (var i = 0; i < 300; i++)
            {
                var sw = Stopwatch.StartNew();
                using var tx = connection.BeginTransaction();
                using var cmd = connection.CreateCommand();
                cmd.Transaction = tx;
                cmd.CommandText = "INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan) VALUES ($r, 'commit', $s, 0, $s, 0, 0)";
                cmd.Parameters.AddWithValue("$r", runKey);
                cmd.Parameters.AddWithValue("$s", start++);
                cmd.ExecuteNonQuery();
                tx.Commit();
                commits.Add(sw.Elapsed.TotalMilliseconds);
            }

            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PROFILE one-row commit, synchronous={sync}: p50 {Stats.Median(commits):F3} ms, p90 {Stats.Percentile(commits, 90):F3} ms, p99 {Stats.Percentile(commits, 99):F3} ms"));
        }

        SqliteConnection.ClearAllPools();
        foreach (var f in Directory.GetFiles(dir, Path.GetFileName(db) + "*"))
        {
            File.Delete(f);
        }

        return 0;
    }

    private static Metric[] Metrics(int batch, int n)
    {
        var metrics = new Metric[n];
        for (var i = 0; i < n; i++)
        {
            long step = ((long)batch * n) + i;
            metrics[i] = new Metric($"m{i % 10}", i / 1000.0, step, step);
        }

        return metrics;
    }

    private static void RawBatches(SqliteConnection connection, long runKey, int batches, ref long start, ref long seq, string insertSql, LatestMode latestMode, bool reuseParameters)
    {
        using var insert = connection.CreateCommand();
        insert.CommandText = insertSql;
        using var latest = connection.CreateCommand();
        latest.CommandText = UpsertLatest;
        var names = new[] { "$r", "$k", "$s", "$t", "$q", "$v", "$n" };
        foreach (var cmd in new[] { insert, latest })
        {
            foreach (var name in names)
            {
                cmd.Parameters.Add(new SqliteParameter(name, 0L));
            }
        }

        for (var b = 0; b < batches; b++)
        {
            using var tx = connection.BeginTransaction(deferred: false);
            insert.Transaction = tx;
            latest.Transaction = tx;
            for (var i = 0; i < 1000; i++)
            {
                var step = start++;
                var key = "m" + (i % 10).ToString(CultureInfo.InvariantCulture);
                object[] values = [runKey, key, step, step, seq++, i / 1000.0, 0];
                Bind(insert, names, values, reuseParameters);
                insert.ExecuteNonQuery();
                if (latestMode == LatestMode.PerMetric || (latestMode == LatestMode.PerKey && i >= 990))
                {
                    Bind(latest, names, values, reuseParameters);
                    latest.ExecuteNonQuery();
                }
            }

            tx.Commit();
        }
    }

    private static void Bind(SqliteCommand cmd, string[] names, object[] values, bool reuse)
    {
        if (reuse)
        {
            for (var p = 0; p < names.Length; p++)
            {
                cmd.Parameters[p].Value = values[p];
            }

            return;
        }

        cmd.Parameters.Clear();
        for (var p = 0; p < names.Length; p++)
        {
            cmd.Parameters.AddWithValue(names[p], values[p]);
        }
    }

    private static void MultiRowBatches(SqliteConnection connection, long runKey, int batches, ref long start, ref long seq)
    {
        const int Rows = 100;
        using var insert = connection.CreateCommand();
        var sql = new System.Text.StringBuilder("INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan) VALUES ");
        for (var r = 0; r < Rows; r++)
        {
            sql.Append(CultureInfo.InvariantCulture, $"{(r > 0 ? "," : string.Empty)}($r,$k{r},$s{r},$t{r},$q{r},$v{r},0)");
            insert.Parameters.Add(new SqliteParameter($"$k{r}", string.Empty));
            insert.Parameters.Add(new SqliteParameter($"$s{r}", 0L));
            insert.Parameters.Add(new SqliteParameter($"$t{r}", 0L));
            insert.Parameters.Add(new SqliteParameter($"$q{r}", 0L));
            insert.Parameters.Add(new SqliteParameter($"$v{r}", 0.0));
        }

        insert.Parameters.Add(new SqliteParameter("$r", runKey));
        insert.CommandText = sql.ToString();
        using var latest = connection.CreateCommand();
        latest.CommandText = UpsertLatest;
        for (var b = 0; b < batches; b++)
        {
            using var tx = connection.BeginTransaction(deferred: false);
            insert.Transaction = tx;
            latest.Transaction = tx;
            for (var chunk = 0; chunk < 1000 / Rows; chunk++)
            {
                for (var r = 0; r < Rows; r++)
                {
                    var i = (chunk * Rows) + r;
                    var step = start++;
                    insert.Parameters[(r * 5) + 0].Value = "m" + (i % 10).ToString(CultureInfo.InvariantCulture);
                    insert.Parameters[(r * 5) + 1].Value = step;
                    insert.Parameters[(r * 5) + 2].Value = step;
                    insert.Parameters[(r * 5) + 3].Value = seq++;
                    insert.Parameters[(r * 5) + 4].Value = i / 1000.0;
                }

                insert.ExecuteNonQuery();
            }

            for (var k = 0; k < 10; k++)
            {
                latest.Parameters.Clear();
                latest.Parameters.AddWithValue("$r", runKey);
                latest.Parameters.AddWithValue("$k", "m" + k.ToString(CultureInfo.InvariantCulture));
                latest.Parameters.AddWithValue("$v", 1.0);
                latest.Parameters.AddWithValue("$n", 0);
                latest.Parameters.AddWithValue("$t", start);
                latest.Parameters.AddWithValue("$s", start);
                latest.Parameters.AddWithValue("$q", seq);
                latest.ExecuteNonQuery();
            }

            tx.Commit();
        }
    }

    /// <summary>
    /// One statement per batch: the metrics travel as one JSON text parameter and SQLite's json_each
    /// expands them, so binding and stepping happen once per 1000 rows instead of once per row.
    /// </summary>
    private static void JsonEachBatches(SqliteConnection connection, long runKey, int batches, ref long start, ref long seq, bool guarded)
    {
        using var insert = connection.CreateCommand();
        insert.CommandText = $"""
            INSERT INTO metrics (run_key, key, step, timestamp, seq, value, is_nan)
            SELECT $r, j.value ->> 0, j.value ->> 1, j.value ->> 2, $q + j.key, j.value ->> 3, 0
            FROM json_each($b) AS j
            {(guarded ? "WHERE NOT EXISTS (SELECT 1 FROM metrics m WHERE m.run_key = $r AND m.key = j.value ->> 0 AND m.step = j.value ->> 1 AND m.timestamp = j.value ->> 2 AND m.value = j.value ->> 3 AND m.is_nan = 0)" : string.Empty)}
            """;
        var r = insert.Parameters.Add(new SqliteParameter("$r", runKey));
        var q = insert.Parameters.Add(new SqliteParameter("$q", 0L));
        var b = insert.Parameters.Add(new SqliteParameter("$b", string.Empty));
        using var latest = connection.CreateCommand();
        latest.CommandText = """
            INSERT INTO latest_metrics (run_key, key, value, is_nan, timestamp, step, seq)
            SELECT $r, k, v, 0, t, s, q FROM (
                SELECT j.value ->> 0 AS k, j.value ->> 3 AS v, j.value ->> 2 AS t, j.value ->> 1 AS s, $q + j.key AS q,
                       row_number() OVER (PARTITION BY j.value ->> 0 ORDER BY j.value ->> 1 DESC, j.value ->> 2 DESC, j.key DESC) AS rn
                FROM json_each($b) AS j)
            WHERE rn = 1
            ON CONFLICT (run_key, key) DO UPDATE SET
                value = excluded.value, is_nan = excluded.is_nan, timestamp = excluded.timestamp, step = excluded.step, seq = excluded.seq
            WHERE (excluded.step, excluded.timestamp, excluded.seq) > (latest_metrics.step, latest_metrics.timestamp, latest_metrics.seq)
            """;
        var lr = latest.Parameters.Add(new SqliteParameter("$r", runKey));
        var lq = latest.Parameters.Add(new SqliteParameter("$q", 0L));
        var lb = latest.Parameters.Add(new SqliteParameter("$b", string.Empty));
        var json = new System.Text.StringBuilder(64 * 1000);
        for (var batch = 0; batch < batches; batch++)
        {
            json.Clear().Append('[');
            for (var i = 0; i < 1000; i++)
            {
                var step = start + i;
                json.Append(CultureInfo.InvariantCulture, $"{(i > 0 ? "," : string.Empty)}[\"m{i % 10}\",{step},{step},{(i / 1000.0).ToString("R", CultureInfo.InvariantCulture)}]");
            }

            json.Append(']');
            using var tx = connection.BeginTransaction(deferred: false);
            insert.Transaction = tx;
            latest.Transaction = tx;
            b.Value = lb.Value = json.ToString();
            q.Value = lq.Value = seq;
            var rows = insert.ExecuteNonQuery();
            latest.ExecuteNonQuery();
            tx.Commit();
            if (rows != 1000)
            {
                throw new InvalidDataException($"json_each inserted {rows} rows, expected 1000.");
            }

            start += 1000;
            seq += 1000;
        }

        _ = r;
        _ = lr;
    }

    private static void Exec(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private enum LatestMode
    {
        PerMetric,
        PerKey,
        None,
    }

    private static void Report(bool print, string what, long count, (TimeSpan Wall, TimeSpan Cpu) elapsed, string unit)
    {
        if (print)
        {
            Report(what, count, elapsed, unit);
        }
    }

    // CPU time per item is what contention from other processes disturbs least: on a busy machine
    // wall-clock rates mostly measure the share of a core the scheduler gave us.
    private static void Report(string what, long count, (TimeSpan Wall, TimeSpan Cpu) elapsed, string unit) =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"PROFILE {what}: {count / elapsed.Wall.TotalSeconds:N0} {unit} wall; {elapsed.Cpu.TotalMicroseconds / count:F2} CPU us each (one core => {count / elapsed.Cpu.TotalSeconds:N0} {unit})"));
}
