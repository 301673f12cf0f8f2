namespace Keel.Core.Monitoring;

/// <summary>Statuses of a <see cref="ModelMonitoringSummary"/>, as the specification's <c>get_monitoring_summary</c> names them.</summary>
public static class SummaryStatuses
{
    /// <summary>Windows in the period.</summary>
    public const string Ok = "ok";

    /// <summary>The model has no stored window at all.</summary>
    public const string NoMonitoringData = "no_monitoring_data";

    /// <summary>Windows exist, none in the period.</summary>
    public const string NoDataInTimeWindow = "no_data_in_time_window";
}

/// <summary>
/// The specification's <c>get_monitoring_summary</c> over the stored monitoring windows of one
/// model: totals (windows, predictions, per window), the windows as a time series (traffic,
/// drifted share, quality, realised and estimated metric with their row counts), drift by
/// feature, the metric's trend, and the alerts. Built by Keel.Monitoring's <c>MonitoringSummaryBuilder</c>; a Core record so the REST answer, the client and the CLI share it.
/// </summary>
/// <param name="Model">The registered model.</param>
/// <param name="Days">Days covered.</param>
/// <param name="FromMs">Start of the period, Unix ms.</param>
/// <param name="ToMs">End of the period (when it was built), Unix ms.</param>
/// <param name="Status">One of <see cref="SummaryStatuses"/>.</param>
/// <param name="StartMs">Start of the first window in the period; null without windows.</param>
/// <param name="EndMs">End of the last window in the period; null without windows.</param>
/// <param name="TotalWindows">Windows in the period (every series).</param>
/// <param name="TotalPredictions">Requests logged in those windows.</param>
/// <param name="AveragePerWindow">Requests per window; 0 without windows.</param>
/// <param name="Truncated">Whether more windows than <c>MonitoringSummaryBuilder.MaxWindows</c> (20,000) ended in the period (the oldest are summarised).</param>
/// <param name="Series">The series (version, deployment, arm) that have windows in the period.</param>
/// <param name="Windows">The windows, oldest first.</param>
/// <param name="Drift">Drift over the period.</param>
/// <param name="Performance">The metric over the period; null when no window has one.</param>
/// <param name="Alerts">Alerts of the model.</param>
public sealed record ModelMonitoringSummary(
    string Model, int Days, long FromMs, long ToMs, string Status, long? StartMs, long? EndMs, int TotalWindows, long TotalPredictions, double AveragePerWindow,
    bool Truncated, IReadOnlyList<SummarySeries> Series, IReadOnlyList<SummaryWindow> Windows, DriftSummary Drift, PerformanceSummary? Performance, AlertSummary Alerts);

/// <summary>One series of windows in the period.</summary>
/// <param name="Version">The model version.</param>
/// <param name="Deployment">The deployment; null outside one.</param>
/// <param name="Arm">The arm; null outside a deployment.</param>
/// <param name="Windows">Its windows in the period.</param>
/// <param name="Requests">Its requests in the period.</param>
public sealed record SummarySeries(string Version, string? Deployment, string? Arm, int Windows, long Requests);

/// <summary>One window, as the summary's time series shows it.</summary>
/// <param name="StartMs">Start, Unix ms.</param>
/// <param name="EndMs">End, Unix ms.</param>
/// <param name="Version">The model version.</param>
/// <param name="Deployment">The deployment; null outside one.</param>
/// <param name="Arm">The arm; null outside a deployment.</param>
/// <param name="Requests">Requests.</param>
/// <param name="Errors">Failed requests.</param>
/// <param name="InputRows">Input rows compared with the reference.</param>
/// <param name="DriftedShare">Share of input features that drifted; null without drift results.</param>
/// <param name="DatasetDrift">The dataset verdict; null without drift results.</param>
/// <param name="DriftedFeatures">The features (and prediction columns) that drifted.</param>
/// <param name="QualityPassed">Whether data quality held; null without a check.</param>
/// <param name="Metric">The metric; null without performance.</param>
/// <param name="Value">The realised metric; null without labels.</param>
/// <param name="LabelledRows">Rows with labels.</param>
/// <param name="Estimated">The estimated metric; null when not estimable.</param>
/// <param name="EstimatedRows">Rows the estimate used.</param>
public sealed record SummaryWindow(
    long StartMs, long EndMs, string Version, string? Deployment, string? Arm, long Requests, long Errors, long InputRows, double? DriftedShare, bool? DatasetDrift,
    IReadOnlyList<string> DriftedFeatures, bool? QualityPassed, string? Metric, double? Value, long LabelledRows, double? Estimated, long EstimatedRows);

/// <summary>Drift over the period.</summary>
/// <param name="Windows">Windows with drift results.</param>
/// <param name="DatasetDriftWindows">Windows whose dataset verdict was drift.</param>
/// <param name="MeanDriftedShare">Mean drifted share over those windows; null without any.</param>
/// <param name="MaxDriftedShare">Largest drifted share; null without any.</param>
/// <param name="LastDriftedShare">Drifted share of the latest window with drift results; null without any.</param>
/// <param name="Features">Each feature (and prediction column), most often drifted first.</param>
public sealed record DriftSummary(int Windows, int DatasetDriftWindows, double? MeanDriftedShare, double? MaxDriftedShare, double? LastDriftedShare, IReadOnlyList<FeatureDriftSummary> Features);

/// <summary>One feature's drift over the period.</summary>
/// <param name="Feature">The feature, or <c>prediction</c>/<c>probability</c>.</param>
/// <param name="Kind"><c>input</c> or <c>prediction</c>.</param>
/// <param name="Windows">Windows that tested it.</param>
/// <param name="DriftedWindows">Windows that found it drifted.</param>
/// <param name="MaxScore">Its largest statistic or distance.</param>
/// <param name="LastDriftedMs">End of the latest window that found it drifted; null when none did.</param>
public sealed record FeatureDriftSummary(string Feature, string Kind, int Windows, int DriftedWindows, double MaxScore, long? LastDriftedMs);

/// <summary>The headline metric over the period: realised (from labels) and estimated (without), each with its trend.</summary>
/// <param name="Metric">The metric (that of the latest window with one).</param>
/// <param name="HigherIsBetter">Whether larger is better.</param>
/// <param name="Validation">The version's validation metric (latest window's); null when unknown.</param>
/// <param name="Realised">The realised metric's trend; null without labelled windows.</param>
/// <param name="Estimated">The estimated metric's trend; null without estimates.</param>
public sealed record PerformanceSummary(string Metric, bool HigherIsBetter, double? Validation, MetricTrend? Realised, MetricTrend? Estimated);

/// <summary>A metric's values over the windows that have one (the specification's mean, std, min, max), with counts and trend.</summary>
/// <param name="Windows">Windows with a value.</param>
/// <param name="Rows">Rows behind them (labelled rows, or estimated rows).</param>
/// <param name="Mean">Mean over windows.</param>
/// <param name="Std">Population standard deviation over windows.</param>
/// <param name="Min">Smallest.</param>
/// <param name="Max">Largest.</param>
/// <param name="RowWeightedMean">Mean weighted by each window's rows.</param>
/// <param name="First">Value of the first window.</param>
/// <param name="Last">Value of the last window.</param>
/// <param name="Change">Last − first.</param>
public sealed record MetricTrend(int Windows, long Rows, double Mean, double Std, double Min, double Max, double RowWeightedMean, double First, double Last, double Change);

/// <summary>Alerts of the model.</summary>
/// <param name="Active">Alerts pending or firing now.</param>
/// <param name="FiredInPeriod">Times an alert went to firing in the period.</param>
/// <param name="Events">Alert history in the period, newest first (at most <c>MonitoringSummaryBuilder.MaxEvents</c> (200)).</param>
/// <param name="EventsTruncated">Whether the period had more events than listed.</param>
public sealed record AlertSummary(IReadOnlyList<Alert> Active, int FiredInPeriod, IReadOnlyList<SummaryAlertEvent> Events, bool EventsTruncated);

/// <summary>One alert change in the period.</summary>
/// <param name="AtMs">When, Unix ms.</param>
/// <param name="Rule">The rule.</param>
/// <param name="From">State before; null for a new alert.</param>
/// <param name="To">State after.</param>
/// <param name="Value">The value behind it.</param>
/// <param name="Message">What happened.</param>
public sealed record SummaryAlertEvent(long AtMs, string Rule, string? From, string To, double? Value, string? Message);
