using System.Text.Json.Serialization;

namespace Keel.Core.Monitoring;

/// <summary>
/// How one registered model is monitored: what <c>keel monitor apply FILE.yaml</c> reads and
/// <c>POST /api/2.0/keel/monitoring/monitors/apply</c> takes as JSON (snake_case). Every property
/// is optional on input; <see cref="MonitorSpecValidator.Normalize"/> checks it and fills the
/// defaults, and the normalised spec is what <see cref="IMonitoringStore"/> keeps. A model served
/// or deployed without a stored spec is monitored with the defaults and no alert rules.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record MonitorSpec
{
    /// <summary>The registered model (every version, every deployment and arm that serves it).</summary>
    public string? Model { get; init; }

    /// <summary>Whether the scheduler runs this monitor.</summary>
    /// <value>true.</value>
    public bool? Enabled { get; init; }

    /// <summary>Seconds between two scheduled passes.</summary>
    /// <value>300 (five minutes).</value>
    public int? IntervalSeconds { get; init; }

    /// <summary>Also run a pass once this many new predictions were logged for the model; null: on the schedule only.</summary>
    /// <value>null.</value>
    public long? EveryPredictions { get; init; }

    /// <summary>Seconds of prediction log one window covers (windows end at the pass).</summary>
    /// <value><see cref="IntervalSeconds"/>.</value>
    public int? WindowSeconds { get; init; }

    /// <summary>Least input rows a window needs before drift is judged (fewer: traffic only, no drift verdict).</summary>
    /// <value>100.</value>
    public int? MinRows { get; init; }

    /// <summary>The alert rules evaluated after every pass.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<AlertRule>? Rules { get; init; }

    /// <summary>Where alert changes are sent (the log always gets them).</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<NotifierSpec>? Notifiers { get; init; }
}

/// <summary>
/// One alert rule: a condition on the stored windows (<see cref="Kind"/>), when it fires
/// (<see cref="For"/> consecutive breaching windows) and when it resolves (<see cref="ClearFor"/>
/// consecutive clear windows, against <see cref="ClearThreshold"/> when set: hysteresis), and what
/// it does when it fires.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AlertRule
{
    /// <summary>The rule's name, unique in the spec: the alert's identity with the model, version, deployment and arm.</summary>
    public string? Name { get; init; }

    /// <summary>One of <see cref="AlertRuleKinds"/>.</summary>
    public string? Kind { get; init; }

    /// <summary>The breach threshold (its meaning depends on <see cref="Kind"/>).</summary>
    public double? Threshold { get; init; }

    /// <summary>The level the value must get back past to count as clear; null: <see cref="Threshold"/>.</summary>
    public double? ClearThreshold { get; init; }

    /// <summary>Consecutive breaching windows before the alert fires (pending until then).</summary>
    /// <value>1.</value>
    public int? For { get; init; }

    /// <summary>Consecutive clear windows before a firing alert resolves.</summary>
    /// <value>1.</value>
    public int? ClearFor { get; init; }

    /// <summary><c>warning</c> or <c>critical</c>.</summary>
    /// <value><c>warning</c>.</value>
    public string? Severity { get; init; }

    /// <summary>Only windows of this deployment (null: every window of the model).</summary>
    public string? Deployment { get; init; }

    /// <summary>What firing does besides notifying.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<AlertAction>? Actions { get; init; }
}

/// <summary>The kinds of <see cref="AlertRule"/>.</summary>
public static class AlertRuleKinds
{
    /// <summary>Drifted share of input features over <see cref="AlertRule.Threshold"/> (0..1).</summary>
    public const string DriftedShare = "drifted_share";

    /// <summary>Realised metric worse than <see cref="AlertRule.Threshold"/>.</summary>
    public const string Metric = "metric";

    /// <summary>Realised metric worse than the version's validation metric by more than <see cref="AlertRule.Threshold"/> (absolute).</summary>
    public const string MetricDrop = "metric_drop";

    /// <summary>Estimated (label-free) metric worse than <see cref="AlertRule.Threshold"/>.</summary>
    public const string EstimatedMetric = "estimated_metric";

    /// <summary>Data quality checks failed in the window.</summary>
    public const string DataQuality = "data_quality";

    /// <summary>Error rate (errors / requests) over <see cref="AlertRule.Threshold"/> (0..1).</summary>
    public const string ErrorRate = "error_rate";

    /// <summary>p99 latency over <see cref="AlertRule.Threshold"/> milliseconds.</summary>
    public const string LatencyP99 = "latency_p99";

    /// <summary>Fewer than <see cref="AlertRule.Threshold"/> requests in the window (default 1: none at all).</summary>
    public const string NoTraffic = "no_traffic";

    /// <summary>Every kind.</summary>
    public static IReadOnlyList<string> All { get; } = [DriftedShare, Metric, MetricDrop, EstimatedMetric, DataQuality, ErrorRate, LatencyP99, NoTraffic];
}

/// <summary>What a firing rule does. Every action is audited; nothing is promoted without its gates.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AlertAction
{
    /// <summary><c>rollback_deployment</c>, <c>rollback_production</c> or <c>retrain</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>rollback_deployment: the deployment to roll back (null: the alert's deployment).</summary>
    public string? Deployment { get; init; }

    /// <summary>rollback_production: the alias to move back.</summary>
    /// <value><c>production</c>.</value>
    public string? Alias { get; init; }

    /// <summary>retrain: the pipeline file to run (a path on the server).</summary>
    public string? Pipeline { get; init; }

    /// <summary>retrain: a deployment to roll the new version out on (its gates decide); null: register only.</summary>
    public string? CanaryDeployment { get; init; }
}

/// <summary>Where alert changes are sent.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record NotifierSpec
{
    /// <summary><c>webhook</c> or <c>log</c>.</summary>
    public string? Kind { get; init; }

    /// <summary>webhook: the http(s) URL.</summary>
    public string? Url { get; init; }

    /// <summary>webhook: the environment variable of the server holding the HMAC-SHA256 secret (the secret itself is never stored).</summary>
    public string? SecretEnv { get; init; }

    /// <summary>webhook: <c>json</c> (Keel's payload) or <c>slack</c> (Slack-compatible <c>text</c>/<c>blocks</c>).</summary>
    /// <value><c>json</c>.</value>
    public string? Format { get; init; }

    /// <summary>webhook: attempts before a delivery is given up (retried with exponential backoff).</summary>
    /// <value>5.</value>
    public int? MaxAttempts { get; init; }
}
