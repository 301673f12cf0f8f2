using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Json;
using Keel.Core.Protocol;
using Keel.Core.Tracking;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Tracking.Bench;

/// <summary>
/// Diagnosis, not a target measurement: where the server's CPU goes when it pages a metric history,
/// without HTTP. Reads every page of a seeded history (25,000 points a page) and serializes it as
/// the server does, then with the changes docs/benchmarks-tracking.md proposes: fewer column reads
/// per point, and serialization without the reflection-based object converter. Prints CPU time.
/// Run it on a copy of a seeded database while no server has it open.
/// </summary>
internal static class HistoryProfile
{
    private const int PageSize = 25000;

    public static async Task<int> RunAsync(Options options, CancellationToken cancellationToken)
    {
        var db = options.Required("db");
        var seed = SeedFile.Load(options.Required("seed"));
        var points = options.Required("points");
        var runId = seed.HistoryRuns[points];
        var reps = options.Int("reps", 3);
        var count = long.Parse(points, CultureInfo.InvariantCulture);

        await using (var store = new SqliteTrackingStore(db, Path.Combine(Path.GetDirectoryName(Path.GetFullPath(db))!, "artifacts"), TimeProvider.System))
        {
            for (var pass = 0; pass <= reps; pass++)
            {
                // Pass 0 warms the JIT and the page cache; it is not printed.
                Report(pass > 0, "store.GetMetricHistoryAsync pages only (no JSON)", count, await Measure.TimeAsync(async () =>
                {
                    await ForEachStorePageAsync(store, runId, seed.HistoryKey, _ => { }, cancellationToken);
                }));
                Report(pass > 0, "store pages + JsonSerializer with KeelJson.Options (as the server)", count, await Measure.TimeAsync(async () =>
                {
                    await ForEachStorePageAsync(store, runId, seed.HistoryKey, page =>
                        JsonSerializer.Serialize(Stream.Null, new GetMetricHistoryResponse(page.Items, page.NextPageToken), KeelJson.Options), cancellationToken);
                }));
                Report(pass > 0, "store pages + source-generated JsonSerializerContext", count, await Measure.TimeAsync(async () =>
                {
                    await ForEachStorePageAsync(store, runId, seed.HistoryKey, page =>
                        JsonSerializer.Serialize(Stream.Null, new GetMetricHistoryResponse(page.Items, page.NextPageToken), HistoryJsonContext.Default.GetMetricHistoryResponse), cancellationToken);
                }));
            }
        }

        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = db, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync(cancellationToken);
        long runKey;
        using (var find = connection.CreateCommand())
        {
            find.CommandText = "SELECT run_key FROM runs WHERE run_uuid = $id";
            find.Parameters.AddWithValue("$id", runId);
            runKey = (long)find.ExecuteScalar()!;
        }

        for (var pass = 0; pass <= reps; pass++)
        {
            Report(pass > 0, "raw reader, 5 columns per point (as the store)", count,
                Measure.Time(() => ReadPages(connection, runKey, seed.HistoryKey, fiveColumns: true, write: false)));
            Report(pass > 0, "raw reader, 3 columns per point (NaN folded, seq read for the last row only)", count,
                Measure.Time(() => ReadPages(connection, runKey, seed.HistoryKey, fiveColumns: false, write: false)));
            Report(pass > 0, "raw reader, 3 columns + Utf8JsonWriter straight from the reader", count,
                Measure.Time(() => ReadPages(connection, runKey, seed.HistoryKey, fiveColumns: false, write: true)));
            Report(pass > 0, "SQLite builds each page's JSON text (json_group_array), one row per page", count,
                Measure.Time(() => SqliteJsonPages(connection, runKey, seed.HistoryKey)));
        }

        return 0;
    }

    private static async Task ForEachStorePageAsync(SqliteTrackingStore store, string runId, string key, Action<Keel.Core.Paging.PagedResult<Metric>> onPage, CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await store.GetMetricHistoryAsync(runId, key, PageSize, token, cancellationToken);
            onPage(page);
            token = page.NextPageToken;
        }
        while (token is not null);
    }

    private static void ReadPages(SqliteConnection connection, long runKey, string key, bool fiveColumns, bool write)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = fiveColumns
            ? "SELECT value, is_nan, timestamp, step, seq FROM metrics WHERE run_key = $r AND key = $k AND (step, timestamp, seq) > ($s, $t, $q) ORDER BY step, timestamp, seq LIMIT $n"
            : "SELECT CASE WHEN is_nan = 1 THEN NULL ELSE value END, timestamp, step, seq FROM metrics WHERE run_key = $r AND key = $k AND (step, timestamp, seq) > ($s, $t, $q) ORDER BY step, timestamp, seq LIMIT $n";
        cmd.Parameters.AddWithValue("$r", runKey);
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$n", PageSize + 1L);
        var s = cmd.Parameters.AddWithValue("$s", long.MinValue);
        var t = cmd.Parameters.AddWithValue("$t", long.MinValue);
        var q = cmd.Parameters.AddWithValue("$q", long.MinValue);
        var more = true;
        while (more)
        {
            more = false;
            var metrics = write ? null : new List<Metric>(PageSize);
            using var json = write ? new Utf8JsonWriter(Stream.Null) : null;
            json?.WriteStartObject();
            json?.WriteStartArray("metrics");
            var n = 0;
            long lastStep = 0, lastTimestamp = 0, lastSeq = 0;
            using (var reader = cmd.ExecuteReader())
            {
                while (reader.Read())
                {
                    if (n == PageSize)
                    {
                        more = true;
                        break;
                    }

                    n++;
                    double value;
                    if (fiveColumns)
                    {
                        value = reader.GetInt64(1) != 0 ? double.NaN : reader.GetDouble(0);
                        lastTimestamp = reader.GetInt64(2);
                        lastStep = reader.GetInt64(3);
                        lastSeq = reader.GetInt64(4);
                    }
                    else
                    {
                        value = reader.IsDBNull(0) ? double.NaN : reader.GetDouble(0);
                        lastTimestamp = reader.GetInt64(1);
                        lastStep = reader.GetInt64(2);
                        if (n == PageSize)
                        {
                            lastSeq = reader.GetInt64(3);
                        }
                    }

                    if (json is not null)
                    {
                        json.WriteStartObject();
                        json.WriteString("key", key);
                        if (double.IsFinite(value))
                        {
                            json.WriteNumber("value", value);
                        }
                        else
                        {
                            json.WriteString("value", double.IsNaN(value) ? "NaN" : value > 0 ? "Infinity" : "-Infinity");
                        }

                        json.WriteNumber("timestamp", lastTimestamp);
                        json.WriteNumber("step", lastStep);
                        json.WriteEndObject();
                    }
                    else
                    {
                        metrics!.Add(new Metric(key, value, lastTimestamp, lastStep));
                    }
                }
            }

            json?.WriteEndArray();
            json?.WriteEndObject();
            json?.Flush();
            s.Value = lastStep;
            t.Value = lastTimestamp;
            q.Value = lastSeq;
        }
    }

    /// <summary>
    /// One statement per page returns the page's "metrics" array as JSON text built inside SQLite,
    /// plus the cursor of its last row: two column reads per page instead of several per point.
    /// </summary>
    private static void SqliteJsonPages(SqliteConnection connection, long runKey, string key)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            WITH page AS (
                SELECT value, is_nan, timestamp, step, seq FROM metrics
                WHERE run_key = $r AND key = $k AND (step, timestamp, seq) > ($s, $t, $q)
                ORDER BY step, timestamp, seq LIMIT $n)
            SELECT json_group_array(json_object('key', $k, 'value', CASE WHEN is_nan = 1 THEN 'NaN' ELSE value END, 'timestamp', timestamp, 'step', step)),
                   count(*), max(step), (SELECT timestamp FROM page ORDER BY step DESC, timestamp DESC, seq DESC LIMIT 1),
                   (SELECT seq FROM page ORDER BY step DESC, timestamp DESC, seq DESC LIMIT 1)
            FROM page
            """;
        cmd.Parameters.AddWithValue("$r", runKey);
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$n", (long)PageSize);
        var s = cmd.Parameters.AddWithValue("$s", long.MinValue);
        var t = cmd.Parameters.AddWithValue("$t", long.MinValue);
        var q = cmd.Parameters.AddWithValue("$q", long.MinValue);
        long total = 0;
        while (true)
        {
            using var reader = cmd.ExecuteReader();
            reader.Read();
            var rows = reader.GetInt64(1);
            if (rows == 0)
            {
                break;
            }

            var text = reader.GetString(0);
            Stream.Null.Write(System.Text.Encoding.UTF8.GetBytes(text));
            total += rows;
            s.Value = reader.GetInt64(2);
            t.Value = reader.GetInt64(3);
            q.Value = reader.GetInt64(4);
            if (rows < PageSize)
            {
                break;
            }
        }

        if (total == 0)
        {
            throw new InvalidDataException("No points read.");
        }
    }

    private static void Report(bool print, string what, long points, (TimeSpan Wall, TimeSpan Cpu) elapsed)
    {
        if (print)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"PROFILE {what}: {elapsed.Cpu.TotalMilliseconds:F0} ms CPU ({elapsed.Cpu.TotalNanoseconds / points:F0} ns/point), {elapsed.Wall.TotalMilliseconds:F0} ms wall, {points} points"));
        }
    }
}

/// <summary>Source-generated serialization of the history answer with MLflow's JSON conventions.</summary>
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(GetMetricHistoryResponse))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;
