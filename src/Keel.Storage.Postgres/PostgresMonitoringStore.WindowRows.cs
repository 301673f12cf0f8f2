using System.Text.Json;
using Keel.Core.Json;
using Keel.Core.Monitoring;
using Keel.Storage.Monitoring;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

// How windows map to rows: a batch becomes one array per column (unnest turns them back into rows),
// and the features of a page of windows are read in one query.
public sealed partial class PostgresMonitoringStore
{
    private const string WindowColumns = MonitorWindowRows.WindowColumns;

    private const string UpsertWindowsSql = """
        INSERT INTO monitor_windows (model, version, deployment, arm, start_ms, end_ms, computed_at, requests, errors, latency_p50_us, latency_p99_us,
            input_rows, reference_source, drifted_share, dataset_drift, quality_passed, quality_max_missing_share, quality_max_out_of_range_share,
            quality_max_unseen_share, quality_failures, metric, metric_higher_is_better, metric_value, labelled_rows, metric_estimated,
            estimated_rows, metric_validation)
        SELECT * FROM unnest(@m, @v, @d, @a, @s, @e, @c, @req, @err, @p50, @p99, @rows, @ref, @share, @ds, @qp, @qm, @qo, @qu, @qf, @pm, @ph, @pv, @pl, @pe, @per, @pval)
        ON CONFLICT (model, version, deployment, arm, end_ms, start_ms) DO UPDATE SET
            computed_at = excluded.computed_at, requests = excluded.requests, errors = excluded.errors, latency_p50_us = excluded.latency_p50_us,
            latency_p99_us = excluded.latency_p99_us, input_rows = excluded.input_rows, reference_source = excluded.reference_source,
            drifted_share = excluded.drifted_share, dataset_drift = excluded.dataset_drift, quality_passed = excluded.quality_passed,
            quality_max_missing_share = excluded.quality_max_missing_share, quality_max_out_of_range_share = excluded.quality_max_out_of_range_share,
            quality_max_unseen_share = excluded.quality_max_unseen_share, quality_failures = excluded.quality_failures, metric = excluded.metric,
            metric_higher_is_better = excluded.metric_higher_is_better, metric_value = excluded.metric_value, labelled_rows = excluded.labelled_rows,
            metric_estimated = excluded.metric_estimated, estimated_rows = excluded.estimated_rows, metric_validation = excluded.metric_validation
        RETURNING window_id, model, version, deployment, arm, end_ms, start_ms
        """;

    private const string InsertFeaturesSql = $"""
        INSERT INTO monitor_window_features (window_id, position, feature, kind, method, score, p_value, threshold, drifted)
        SELECT w.window_id, f.position, f.feature, f.kind, f.method, f.score, f.p_value, f.threshold, f.drifted
        FROM unnest(@fw, @fp, @ff, @fk, @fme, @fsc, @fpv, @ft, @fdr) AS f(idx, position, feature, kind, method, score, p_value, threshold, drifted)
        JOIN {KeyOf} ON k.idx = f.idx
        JOIN monitor_windows w ON {KeyMatch}
        """;

    private static void BindWindows(NpgsqlBatchCommand cmd, List<MonitorWindow> rows)
    {
        var p = cmd.Parameters;
        Add(p, "m", NpgsqlDbType.Text, rows.Select(w => w.Model));
        Add(p, "v", NpgsqlDbType.Text, rows.Select(w => w.Version));
        Add(p, "d", NpgsqlDbType.Text, rows.Select(w => w.Deployment ?? ""));
        Add(p, "a", NpgsqlDbType.Text, rows.Select(w => w.Arm ?? ""));
        Add(p, "s", NpgsqlDbType.Bigint, rows.Select(w => w.StartMs));
        Add(p, "e", NpgsqlDbType.Bigint, rows.Select(w => w.EndMs));
        Add(p, "c", NpgsqlDbType.Bigint, rows.Select(w => w.ComputedAtMs));
        Add(p, "req", NpgsqlDbType.Bigint, rows.Select(w => w.Requests));
        Add(p, "err", NpgsqlDbType.Bigint, rows.Select(w => w.Errors));
        Add(p, "p50", NpgsqlDbType.Double, rows.Select(w => w.LatencyP50Us));
        Add(p, "p99", NpgsqlDbType.Double, rows.Select(w => w.LatencyP99Us));
        Add(p, "rows", NpgsqlDbType.Bigint, rows.Select(w => w.InputRows));
        Add(p, "ref", NpgsqlDbType.Text, rows.Select(w => w.ReferenceSource));
        Add(p, "share", NpgsqlDbType.Double, rows.Select(w => w.DriftedShare));
        Add(p, "ds", NpgsqlDbType.Boolean, rows.Select(w => w.DatasetDrift));
        Add(p, "qp", NpgsqlDbType.Boolean, rows.Select(w => w.Quality?.Passed));
        Add(p, "qm", NpgsqlDbType.Double, rows.Select(w => w.Quality?.MaxMissingShare));
        Add(p, "qo", NpgsqlDbType.Double, rows.Select(w => w.Quality?.MaxOutOfRangeShare));
        Add(p, "qu", NpgsqlDbType.Double, rows.Select(w => w.Quality?.MaxUnseenShare));
        Add(p, "qf", NpgsqlDbType.Text, rows.Select(w => w.Quality is { } q ? JsonSerializer.Serialize(q.Failures, KeelJson.Options) : null));
        Add(p, "pm", NpgsqlDbType.Text, rows.Select(w => w.Performance?.Metric));
        Add(p, "ph", NpgsqlDbType.Boolean, rows.Select(w => w.Performance?.HigherIsBetter));
        Add(p, "pv", NpgsqlDbType.Double, rows.Select(w => w.Performance?.Value));
        Add(p, "pl", NpgsqlDbType.Bigint, rows.Select(w => w.Performance?.LabelledRows));
        Add(p, "pe", NpgsqlDbType.Double, rows.Select(w => w.Performance?.Estimated));
        Add(p, "per", NpgsqlDbType.Bigint, rows.Select(w => w.Performance?.EstimatedRows));
        Add(p, "pval", NpgsqlDbType.Double, rows.Select(w => w.Performance?.Validation));
    }

    private static void BindKeys(NpgsqlBatchCommand cmd, List<MonitorWindow> rows)
    {
        var p = cmd.Parameters;
        Add(p, "m", NpgsqlDbType.Text, rows.Select(w => w.Model));
        Add(p, "v", NpgsqlDbType.Text, rows.Select(w => w.Version));
        Add(p, "d", NpgsqlDbType.Text, rows.Select(w => w.Deployment ?? ""));
        Add(p, "a", NpgsqlDbType.Text, rows.Select(w => w.Arm ?? ""));
        Add(p, "e", NpgsqlDbType.Bigint, rows.Select(w => w.EndMs));
        Add(p, "s", NpgsqlDbType.Bigint, rows.Select(w => w.StartMs));
    }

    private static void BindFeatures(NpgsqlBatchCommand cmd, List<MonitorWindow> rows)
    {
        // idx is the window's 1-based place in the key arrays (WITH ORDINALITY), position its order in the window.
        var features = rows.SelectMany((w, i) => w.Features.Select((f, position) => (Index: i + 1L, Position: position, Feature: f))).ToList();
        var p = cmd.Parameters;
        Add(p, "fw", NpgsqlDbType.Bigint, features.Select(x => x.Index));
        Add(p, "fp", NpgsqlDbType.Integer, features.Select(x => x.Position));
        Add(p, "ff", NpgsqlDbType.Text, features.Select(x => x.Feature.Feature));
        Add(p, "fk", NpgsqlDbType.Text, features.Select(x => x.Feature.Kind));
        Add(p, "fme", NpgsqlDbType.Text, features.Select(x => x.Feature.Method));
        Add(p, "fsc", NpgsqlDbType.Double, features.Select(x => x.Feature.Score));
        Add(p, "fpv", NpgsqlDbType.Double, features.Select(x => x.Feature.PValue));
        Add(p, "ft", NpgsqlDbType.Double, features.Select(x => x.Feature.Threshold));
        Add(p, "fdr", NpgsqlDbType.Boolean, features.Select(x => x.Feature.Drifted));
    }

    private static void Add<T>(NpgsqlParameterCollection parameters, string name, NpgsqlDbType element, IEnumerable<T> values) =>
        parameters.Add(new NpgsqlParameter(name, NpgsqlDbType.Array | element) { Value = values.ToArray() });

    /// <summary>Reads the windows <paramref name="cmd"/> selects (<see cref="WindowColumns"/>), then their features in one query.</summary>
    private async Task<List<MonitorWindow>> ReadWindowsAsync(NpgsqlCommand cmd, CancellationToken cancellationToken)
    {
        var windows = await cmd.ListAsync(MonitorWindowRows.ReadWindow, cancellationToken).ConfigureAwait(false);
        if (windows.Count == 0)
        {
            return windows;
        }

        using var select = database.Command($"""
            SELECT {MonitorWindowRows.FeatureColumns} FROM monitor_window_features
            WHERE window_id = ANY(@ids) ORDER BY window_id, position
            """);
        select.Array("ids", NpgsqlDbType.Bigint, windows.Select(w => w.Id).ToArray());
        var features = new Dictionary<long, List<FeatureDrift>>(windows.Count);
        var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                MonitorWindowRows.AddFeature(features, reader);
            }
        }

        MonitorWindowRows.AttachFeatures(windows, features);
        return windows;
    }
}
