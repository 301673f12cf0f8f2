using System.Text.Json;
using Keel.Core.Json;
using Keel.Core.Monitoring;
using Keel.Storage.Monitoring;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// How a window maps to its row and its feature rows. Deployment and arm are '' in the row outside a
// deployment (the window key is a UNIQUE constraint, where NULLs would never collide).
public sealed partial class SqliteMonitoringStore
{
    private const string WindowColumns = MonitorWindowRows.WindowColumns;

    private const string UpsertWindowSql = """
        INSERT INTO monitor_windows (model, version, deployment, arm, start_ms, end_ms, computed_at, requests, errors, latency_p50_us, latency_p99_us,
            input_rows, reference_source, drifted_share, dataset_drift, quality_passed, quality_max_missing_share, quality_max_out_of_range_share,
            quality_max_unseen_share, quality_failures, metric, metric_higher_is_better, metric_value, labelled_rows, metric_estimated,
            estimated_rows, metric_validation)
        VALUES ($m, $v, $d, $a, $s, $e, $c, $req, $err, $p50, $p99, $rows, $ref, $share, $ds, $qp, $qm, $qo, $qu, $qf, $pm, $ph, $pv, $pl, $pe, $per, $pval)
        ON CONFLICT (model, version, deployment, arm, end_ms, start_ms) DO UPDATE SET
            computed_at = excluded.computed_at, requests = excluded.requests, errors = excluded.errors, latency_p50_us = excluded.latency_p50_us,
            latency_p99_us = excluded.latency_p99_us, input_rows = excluded.input_rows, reference_source = excluded.reference_source,
            drifted_share = excluded.drifted_share, dataset_drift = excluded.dataset_drift, quality_passed = excluded.quality_passed,
            quality_max_missing_share = excluded.quality_max_missing_share, quality_max_out_of_range_share = excluded.quality_max_out_of_range_share,
            quality_max_unseen_share = excluded.quality_max_unseen_share, quality_failures = excluded.quality_failures, metric = excluded.metric,
            metric_higher_is_better = excluded.metric_higher_is_better, metric_value = excluded.metric_value, labelled_rows = excluded.labelled_rows,
            metric_estimated = excluded.metric_estimated, estimated_rows = excluded.estimated_rows, metric_validation = excluded.metric_validation
        RETURNING window_id
        """;

    private const string InsertFeatureSql = """
        INSERT INTO monitor_window_features (window_id, position, feature, kind, method, score, p_value, threshold, drifted)
        VALUES ($w, $p, $f, $k, $me, $sc, $pv, $t, $dr)
        """;

    private static void BindWindow(SqliteCommand cmd, MonitorWindow w)
    {
        cmd.Parameters.AddWithValue("$m", w.Model);
        cmd.Parameters.AddWithValue("$v", w.Version);
        cmd.Parameters.AddWithValue("$d", w.Deployment ?? "");
        cmd.Parameters.AddWithValue("$a", w.Arm ?? "");
        cmd.Parameters.AddWithValue("$s", w.StartMs);
        cmd.Parameters.AddWithValue("$e", w.EndMs);
        cmd.Parameters.AddWithValue("$c", w.ComputedAtMs);
        cmd.Parameters.AddWithValue("$req", w.Requests);
        cmd.Parameters.AddWithValue("$err", w.Errors);
        cmd.Parameters.AddWithValue("$p50", Db(w.LatencyP50Us));
        cmd.Parameters.AddWithValue("$p99", Db(w.LatencyP99Us));
        cmd.Parameters.AddWithValue("$rows", w.InputRows);
        cmd.Parameters.AddWithValue("$ref", Db(w.ReferenceSource));
        cmd.Parameters.AddWithValue("$share", Db(w.DriftedShare));
        cmd.Parameters.AddWithValue("$ds", w.DatasetDrift is { } ds ? (ds ? 1 : 0) : DBNull.Value);
        var q = w.Quality;
        cmd.Parameters.AddWithValue("$qp", q is null ? DBNull.Value : q.Passed ? 1 : 0);
        cmd.Parameters.AddWithValue("$qm", q is null ? DBNull.Value : q.MaxMissingShare);
        cmd.Parameters.AddWithValue("$qo", q is null ? DBNull.Value : q.MaxOutOfRangeShare);
        cmd.Parameters.AddWithValue("$qu", q is null ? DBNull.Value : q.MaxUnseenShare);
        cmd.Parameters.AddWithValue("$qf", q is null ? DBNull.Value : JsonSerializer.Serialize(q.Failures, KeelJson.Options));
        var p = w.Performance;
        cmd.Parameters.AddWithValue("$pm", p is null ? DBNull.Value : p.Metric);
        cmd.Parameters.AddWithValue("$ph", p is null ? DBNull.Value : p.HigherIsBetter ? 1 : 0);
        cmd.Parameters.AddWithValue("$pv", Db(p?.Value));
        cmd.Parameters.AddWithValue("$pl", p is null ? DBNull.Value : p.LabelledRows);
        cmd.Parameters.AddWithValue("$pe", Db(p?.Estimated));
        cmd.Parameters.AddWithValue("$per", p is null ? DBNull.Value : p.EstimatedRows);
        cmd.Parameters.AddWithValue("$pval", Db(p?.Validation));
    }

    private static void BindFeature(SqliteCommand cmd, long windowId, int position, FeatureDrift f)
    {
        cmd.Parameters.AddWithValue("$w", windowId);
        cmd.Parameters.AddWithValue("$p", position);
        cmd.Parameters.AddWithValue("$f", f.Feature);
        cmd.Parameters.AddWithValue("$k", f.Kind);
        cmd.Parameters.AddWithValue("$me", f.Method);
        cmd.Parameters.AddWithValue("$sc", f.Score);
        cmd.Parameters.AddWithValue("$pv", Db(f.PValue));
        cmd.Parameters.AddWithValue("$t", f.Threshold);
        cmd.Parameters.AddWithValue("$dr", f.Drifted ? 1 : 0);
    }

    /// <summary>Reads the windows <paramref name="cmd"/> selects (<see cref="WindowColumns"/>), then their features in one query.</summary>
    private static List<MonitorWindow> ReadWindows(SqliteConnection connection, SqliteCommand cmd)
    {
        var windows = new List<MonitorWindow>();
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                windows.Add(MonitorWindowRows.ReadWindow(reader));
            }
        }

        if (windows.Count == 0)
        {
            return windows;
        }

        var features = new Dictionary<long, List<FeatureDrift>>(windows.Count);
        using (var select = connection.CreateCommand())
        {
            select.CommandText = $"""
                SELECT {MonitorWindowRows.FeatureColumns} FROM monitor_window_features
                WHERE window_id IN (SELECT value FROM json_each($ids)) ORDER BY window_id, position
                """;
            select.Parameters.AddWithValue("$ids", JsonSerializer.Serialize(windows.Select(w => w.Id)));
            using var reader = select.ExecuteReader();
            while (reader.Read())
            {
                MonitorWindowRows.AddFeature(features, reader);
            }
        }

        MonitorWindowRows.AttachFeatures(windows, features);
        return windows;
    }

    private static double? Double(SqliteDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static object Db(double? value) => value is { } v ? v : DBNull.Value;

    private static object Db(string? value) => (object?)value ?? DBNull.Value;
}
