namespace Keel.Monitoring.Alerts;

/// <summary>
/// The Prometheus series <c>keel monitor rules</c> writes its alerting rules over, in one place so
/// a rename is one line: the monitoring gauges the server exports from each series' latest window
/// (labels <c>model</c>, <c>version</c>, <c>deployment</c>, <c>arm</c>; <c>metric</c> on the metric
/// gauges) and the serving counters error rates come from (the prediction log has no failed
/// requests, so the windows' error counts are 0 and only the serving counters see errors).
/// </summary>
public static class PrometheusMonitoringNames
{
    /// <summary>Share of input features that drifted in the latest window.</summary>
    public const string DriftedShare = "keel_monitoring_drifted_share";

    /// <summary>Realised headline metric of the latest window (label <c>metric</c>).</summary>
    public const string Metric = "keel_monitoring_metric";

    /// <summary>Estimated (label-free) headline metric of the latest window (label <c>metric</c>).</summary>
    public const string MetricEstimated = "keel_monitoring_metric_estimated";

    /// <summary>The version's validation value of the headline metric (label <c>metric</c>).</summary>
    public const string MetricValidation = "keel_monitoring_metric_validation";

    /// <summary>1 when every data quality check held in the latest window, else 0.</summary>
    public const string QualityPassed = "keel_monitoring_quality_passed";

    /// <summary>Requests in the latest window.</summary>
    public const string WindowRequests = "keel_monitoring_window_requests";

    /// <summary>99th percentile of scoring latency in the latest window, seconds.</summary>
    public const string LatencyP99Seconds = "keel_monitoring_latency_p99_seconds";

    /// <summary>Scoring requests per served model and version (counter).</summary>
    public const string ServingRequests = "keel_serving_requests_total";

    /// <summary>Scoring requests answered with an error, by <c>kind</c> (counter).</summary>
    public const string ServingErrors = "keel_serving_request_errors_total";

    /// <summary>Requests per deployment arm (counter; labels <c>deployment</c>, <c>arm</c>, <c>version</c>).</summary>
    public const string DeploymentRequests = "keel_deployment_requests_total";

    /// <summary>Requests a deployment arm failed, by <c>kind</c> (counter).</summary>
    public const string DeploymentErrors = "keel_deployment_request_errors_total";

    /// <summary>The labels of a monitoring series.</summary>
    public const string SeriesLabels = "model, version, deployment, arm";
}
