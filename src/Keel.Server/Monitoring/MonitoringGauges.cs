using Keel.Core.Monitoring;
using Keel.Server.Serving;
using Prometheus;

namespace Keel.Server.Monitoring;

/// <summary>
/// The monitoring gauges on <c>/metrics</c> (names <c>keel_monitoring_*</c>), read from the latest
/// stored window of every series (model, version, deployment, arm) when Prometheus scrapes, so
/// every replica shows the same values. Cardinality is bounded by the series served recently
/// (series whose latest window is older than <see cref="MonitoringSchedulerOptions.GaugesStaleAfter"/>
/// leave) times their features; a series that leaves is removed from every gauge. Outside a
/// deployment the <c>deployment</c> and <c>arm</c> labels are empty.
/// </summary>
public sealed class MonitoringGauges : IHostedService
{
    private static readonly string[] Series = ["model", "version", "deployment", "arm"];
    private static readonly string[] FeatureLabels = [.. Series, "feature", "kind"];
    private static readonly string[] MetricLabels = [.. Series, "metric"];

    private readonly ServingMetrics _metrics;
    private readonly IMonitoringStore _store;
    private readonly MonitoringSchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MonitoringGauges> _logger;
    private readonly List<(Gauge Gauge, Func<MonitorWindow, IEnumerable<(string[] Extra, double Value)>> Values)> _gauges = [];
    private int _registered;

    /// <summary>Creates the gauges in the app's metrics registry; they are filled at each scrape once the host starts.</summary>
    public MonitoringGauges(ServingMetrics metrics, IMonitoringStore store, MonitoringSchedulerOptions options, TimeProvider time, ILogger<MonitoringGauges> logger)
    {
        _metrics = metrics;
        _store = store;
        _options = options;
        _time = time;
        _logger = logger;
    }

    /// <inheritdoc />
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.Exchange(ref _registered, 1) == 0)
        {
            Register();
        }

        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void Register()
    {
        var f = _metrics.Factory;
        Add(f.CreateGauge("keel_monitoring_window_requests", "Requests logged in the series' latest monitoring window.", Series), w => One(w.Requests));
        Add(f.CreateGauge("keel_monitoring_window_input_rows", "Input rows the series' latest monitoring window compared with the reference.", Series), w => One(w.InputRows));
        Add(f.CreateGauge("keel_monitoring_window_end_timestamp_seconds", "End of the series' latest monitoring window, Unix seconds.", Series), w => One(w.EndMs / 1000.0));
        Add(f.CreateGauge("keel_monitoring_latency_p50_seconds", "Median scoring latency of the requests in the series' latest monitoring window.", Series), w => Maybe(w.LatencyP50Us / 1e6));
        Add(f.CreateGauge("keel_monitoring_latency_p99_seconds", "99th percentile of scoring latency of the requests in the series' latest monitoring window.", Series), w => Maybe(w.LatencyP99Us / 1e6));
        Add(f.CreateGauge("keel_monitoring_drifted_share", "Share of input features that drifted (after correction) in the series' latest monitoring window.", Series), w => Maybe(w.DriftedShare));
        Add(f.CreateGauge("keel_monitoring_dataset_drift", "1 when the drift engine's dataset verdict was drift in the series' latest monitoring window, else 0.", Series), w => Maybe(w.DatasetDrift is { } d ? (d ? 1 : 0) : null));
        Add(f.CreateGauge("keel_monitoring_quality_passed", "1 when every data quality check against the training profile held in the series' latest monitoring window, else 0.", Series), w => Maybe(w.Quality is { } q ? (q.Passed ? 1 : 0) : null));
        Add(f.CreateGauge("keel_monitoring_feature_drift_score", "Drift statistic or distance of a feature (kind input) or prediction column (kind prediction) in the series' latest monitoring window.", FeatureLabels), w => w.Features.Select(x => (new[] { x.Feature, x.Kind }, x.Score)));
        Add(f.CreateGauge("keel_monitoring_feature_drift_p_value", "Corrected p-value of a feature's drift test in the series' latest monitoring window (tests only, not distances).", FeatureLabels), w => w.Features.Where(x => x.PValue is not null).Select(x => (new[] { x.Feature, x.Kind }, x.PValue!.Value)));
        Add(f.CreateGauge("keel_monitoring_feature_drifted", "1 when a feature drifted in the series' latest monitoring window, else 0.", FeatureLabels), w => w.Features.Select(x => (new[] { x.Feature, x.Kind }, x.Drifted ? 1.0 : 0.0)));
        Add(f.CreateGauge("keel_monitoring_metric", "The task's headline metric realised from feedback labels in the series' latest monitoring window.", MetricLabels), w => Metric(w, p => p.Value));
        Add(f.CreateGauge("keel_monitoring_metric_estimated", "The headline metric estimated without labels (confidence-based) in the series' latest monitoring window.", MetricLabels), w => Metric(w, p => p.Estimated));
        Add(f.CreateGauge("keel_monitoring_metric_validation", "The version's validation value of the headline metric, to compare the window's with.", MetricLabels), w => Metric(w, p => p.Validation));
        Add(f.CreateGauge("keel_monitoring_labelled_rows", "Rows with a feedback label in the series' latest monitoring window.", Series), w => Maybe(w.Performance?.LabelledRows));
        _metrics.Registry.AddBeforeCollectCallback(UpdateAsync);
    }

    private void Add(Gauge gauge, Func<MonitorWindow, IEnumerable<(string[] Extra, double Value)>> values) => _gauges.Add((gauge, values));

    private async Task UpdateAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<MonitorWindow> latest;
        try
        {
            latest = await _store.LatestWindowsAsync(null, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            MonitoringLog.GaugesFailed(_logger, e);
            return;
        }

        var oldest = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_options.GaugesStaleAfter.TotalMilliseconds;
        var fresh = latest.Where(w => w.EndMs >= oldest).ToList();
        foreach (var (gauge, values) in _gauges)
        {
            var live = new HashSet<string>(StringComparer.Ordinal);
            foreach (var window in fresh)
            {
                foreach (var (extra, value) in values(window))
                {
                    if (!double.IsFinite(value))
                    {
                        continue;
                    }

                    string[] labels = [window.Model, window.Version, window.Deployment ?? string.Empty, window.Arm ?? string.Empty, .. extra];
                    gauge.WithLabels(labels).Set(value);
                    live.Add(string.Join('\u001f', labels));
                }
            }

            foreach (var labels in gauge.GetAllLabelValues().ToList())
            {
                if (!live.Contains(string.Join('\u001f', labels)))
                {
                    gauge.RemoveLabelled(labels);
                }
            }
        }
    }

    private static IEnumerable<(string[], double)> One(double value) => [([], value)];

    private static IEnumerable<(string[], double)> Maybe(double? value) => value is { } v ? [([], v)] : [];

    private static IEnumerable<(string[], double)> Metric(MonitorWindow window, Func<WindowPerformance, double?> value) =>
        window.Performance is { } p && value(p) is { } v ? [([p.Metric], v)] : [];
}
