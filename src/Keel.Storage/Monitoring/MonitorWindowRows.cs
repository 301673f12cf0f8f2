using System.Data.Common;
using System.Text.Json;
using Keel.Core.Json;
using Keel.Core.Monitoring;

namespace Keel.Storage.Monitoring;

/// <summary>
/// How a stored window and its feature rows read back, the same for every backend: the columns a
/// window query selects (<see cref="WindowColumns"/>), the mapping of such a row and of a feature
/// row (<see cref="FeatureColumns"/>), and the joining of features to their windows. Deployment and
/// arm are '' in the row outside a deployment (the window key is a UNIQUE constraint, where NULLs
/// would never collide). Flags are read with <see cref="DbDataReader.GetBoolean"/>: a PostgreSQL
/// boolean, or SQLite's 0/1 integer.
/// </summary>
internal static class MonitorWindowRows
{
    /// <summary>The columns of <c>monitor_windows</c> <see cref="ReadWindow"/> reads, in its order.</summary>
    public const string WindowColumns = """
        window_id, model, version, deployment, arm, start_ms, end_ms, computed_at, requests, errors, latency_p50_us, latency_p99_us,
        input_rows, reference_source, drifted_share, dataset_drift, quality_passed, quality_max_missing_share, quality_max_out_of_range_share,
        quality_max_unseen_share, quality_failures, metric, metric_higher_is_better, metric_value, labelled_rows, metric_estimated,
        estimated_rows, metric_validation
        """;

    /// <summary>The columns of <c>monitor_window_features</c> <see cref="AddFeature"/> reads, in its order.</summary>
    public const string FeatureColumns = "window_id, feature, kind, method, score, p_value, threshold, drifted";

    /// <summary>The window on the reader's current row (<see cref="WindowColumns"/>), without its features.</summary>
    public static MonitorWindow ReadWindow(DbDataReader r) => new()
    {
        Id = r.GetInt64(0),
        Model = r.GetString(1),
        Version = r.GetString(2),
        Deployment = NullIfEmpty(r.GetString(3)),
        Arm = NullIfEmpty(r.GetString(4)),
        StartMs = r.GetInt64(5),
        EndMs = r.GetInt64(6),
        ComputedAtMs = r.GetInt64(7),
        Requests = r.GetInt64(8),
        Errors = r.GetInt64(9),
        LatencyP50Us = Double(r, 10),
        LatencyP99Us = Double(r, 11),
        InputRows = r.GetInt64(12),
        ReferenceSource = r.IsDBNull(13) ? null : r.GetString(13),
        DriftedShare = Double(r, 14),
        DatasetDrift = r.IsDBNull(15) ? null : r.GetBoolean(15),
        Quality = r.IsDBNull(16) ? null : new WindowQuality(
            r.GetBoolean(16),
            r.GetDouble(17),
            r.GetDouble(18),
            r.GetDouble(19),
            JsonSerializer.Deserialize<List<string>>(r.GetString(20), KeelJson.Options)!),
        Performance = r.IsDBNull(21) ? null : new WindowPerformance(
            r.GetString(21),
            r.GetBoolean(22),
            Double(r, 23),
            r.GetInt64(24),
            Double(r, 25),
            r.GetInt64(26),
            Double(r, 27)),
    };

    /// <summary>Adds the feature on the reader's current row (<see cref="FeatureColumns"/>) to its window's list.</summary>
    public static void AddFeature(Dictionary<long, List<FeatureDrift>> features, DbDataReader r)
    {
        var id = r.GetInt64(0);
        if (!features.TryGetValue(id, out var list))
        {
            features[id] = list = [];
        }

        list.Add(new FeatureDrift(
            r.GetString(1),
            r.GetString(2),
            r.GetString(3),
            r.GetDouble(4),
            Double(r, 5),
            r.GetDouble(6),
            r.GetBoolean(7)));
    }

    /// <summary>Gives each window the features read for it (in the order read).</summary>
    public static void AttachFeatures(List<MonitorWindow> windows, Dictionary<long, List<FeatureDrift>> features)
    {
        for (var i = 0; i < windows.Count; i++)
        {
            if (features.TryGetValue(windows[i].Id, out var list))
            {
                windows[i] = windows[i] with { Features = list };
            }
        }
    }

    private static double? Double(DbDataReader r, int i) => r.IsDBNull(i) ? null : r.GetDouble(i);

    private static string? NullIfEmpty(string s) => s.Length == 0 ? null : s;
}
