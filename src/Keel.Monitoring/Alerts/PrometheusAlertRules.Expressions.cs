using System.Globalization;
using System.Text;
using Keel.Core.Monitoring;

namespace Keel.Monitoring.Alerts;

// PromQL per rule kind, and the YAML and PromQL quoting.
public static partial class PrometheusAlertRules
{
    private static (string Expr, string? Note) Expression(string model, AlertRule rule, string alertName, int windowSeconds)
    {
        var t = rule.Threshold ?? 0;
        var clear = rule.ClearThreshold ?? t;
        (string, string, string?) deployment = rule.Deployment is null ? default : ("deployment", "=", rule.Deployment);
        var series = Selector(("model", "=", model), deployment);
        var lower = string.Join('|', LowerIsBetterMetrics);

        // The metric gauges carry the metric's name: higher-is-better ones breach downwards, the others upwards.
        string Higher(string gauge) => gauge + Selector(("model", "=", model), deployment, ("metric", "!~", lower));
        string Lower(string gauge) => gauge + Selector(("model", "=", model), deployment, ("metric", "=~", lower));
        var on = PrometheusMonitoringNames.SeriesLabels;
        switch (rule.Kind)
        {
            case AlertRuleKinds.DriftedShare:
                return (Hysteresis(v => $"{PrometheusMonitoringNames.DriftedShare}{series} > {Number(v)}", t, clear, on, alertName), null);
            case AlertRuleKinds.NoTraffic:
                return (Hysteresis(v => $"{PrometheusMonitoringNames.WindowRequests}{series} < {Number(v)}", t, clear, on, alertName), null);
            case AlertRuleKinds.LatencyP99:
                return (Hysteresis(v => $"{PrometheusMonitoringNames.LatencyP99Seconds}{series} > {Number(v / 1000)}", t, clear, on, alertName), $"(threshold {Number(t)} ms = {Number(t / 1000)} s)");
            case AlertRuleKinds.Metric:
            case AlertRuleKinds.EstimatedMetric:
                var gauge = rule.Kind == AlertRuleKinds.Metric ? PrometheusMonitoringNames.Metric : PrometheusMonitoringNames.MetricEstimated;
                return (Hysteresis(v => $"{Higher(gauge)} < {Number(v)} or {Lower(gauge)} > {Number(v)}", t, clear, on, alertName), null);
            case AlertRuleKinds.MetricDrop:
                var (m, val) = (PrometheusMonitoringNames.Metric, PrometheusMonitoringNames.MetricValidation);
                return (Hysteresis(v => $"({Higher(val)} - {Higher(m)}) > {Number(v)} or ({Lower(m)} - {Lower(val)}) > {Number(v)}", t, clear, on, alertName), null);
            case AlertRuleKinds.DataQuality:
                return ($"{PrometheusMonitoringNames.QualityPassed}{series} == 0", rule.Threshold is null ? null : $"(Prometheus sees only the quality verdict: the threshold {Number(t)} on the worst share is not exported, so this fires whenever a check failed.)");
            case AlertRuleKinds.ErrorRate:
                var range = $"[{Duration(windowSeconds)}]";
                if (rule.Deployment is null)
                {
                    var errors = $"sum by (model, version) (rate({PrometheusMonitoringNames.ServingErrors}{Selector(("model", "=", model), ("kind", "=", "server_error"))}{range}))";
                    var requests = $"sum by (model, version) (rate({PrometheusMonitoringNames.ServingRequests}{Selector(("model", "=", model))}{range}))";
                    return (Hysteresis(v => $"{errors} / {requests} > {Number(v)}", t, clear, "model, version", alertName), "(from the serving counters: server errors over requests, per replica summed)");
                }

                var armErrors = $"sum by (deployment, arm, version) (rate({PrometheusMonitoringNames.DeploymentErrors}{Selector(("deployment", "=", rule.Deployment), ("kind", "=~", "server_error|candidate_refused"))}{range}))";
                var armRequests = $"sum by (deployment, arm, version) (rate({PrometheusMonitoringNames.DeploymentRequests}{Selector(("deployment", "=", rule.Deployment), ("arm", "!=", "shadow"))}{range}))";
                return (Hysteresis(v => $"{armErrors} / {armRequests} > {Number(v)}", t, clear, "deployment, arm, version", alertName), "(from the deployment counters: failed requests over requests per arm)");
            default:
                throw new ArgumentException($"Unknown rule kind '{rule.Kind}'.", nameof(rule));
        }
    }

    /// <summary>
    /// <c>breach</c>, or with a clear threshold: <c>breach or (past the clear threshold and the alert already firing)</c>.
    /// <c>and</c> binds tighter than <c>or</c> in PromQL, so each part is parenthesised.
    /// </summary>
    private static string Hysteresis(Func<double, string> condition, double threshold, double clear, string on, string alertName)
    {
        var breach = condition(threshold);
        if (clear == threshold)
        {
            return breach;
        }

        return $"({breach}) or (({condition(clear)}) and on({on}) ALERTS{Selector(("alertname", "=", alertName), ("alertstate", "=", "firing"))})";
    }

    private static string Describe(AlertRule rule, int windowSeconds)
    {
        var t = Number(rule.Threshold ?? 0);
        var clear = rule.ClearThreshold is { } c ? $", clears back past {Number(c)}" : "";
        return rule.Kind switch
        {
            AlertRuleKinds.DriftedShare => $"Drifted share of input features over {t}{clear}.",
            AlertRuleKinds.Metric => $"Realised metric worse than {t}{clear}.",
            AlertRuleKinds.MetricDrop => $"Realised metric worse than validation by more than {t}{clear}.",
            AlertRuleKinds.EstimatedMetric => $"Estimated metric worse than {t}{clear}.",
            AlertRuleKinds.DataQuality => "Data quality checks failed.",
            AlertRuleKinds.ErrorRate => $"Error rate over {t} over {Duration(windowSeconds)}{clear}.",
            AlertRuleKinds.LatencyP99 => $"p99 latency over {t} ms{clear}.",
            _ => $"Fewer than {t} requests in the window{clear}.",
        };
    }

    /// <summary>A label selector; default entries are skipped. Values are PromQL double-quoted strings.</summary>
    private static string Selector(params (string Name, string Op, string? Value)[] matchers) =>
        "{" + string.Join(", ", matchers.Where(m => m.Name is not null).Select(m => $"{m.Name}{m.Op}\"{PromQlEscape(m.Value!)}\"")) + "}";

    private static string PromQlEscape(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    /// <summary>A YAML single-quoted scalar (no escapes but a doubled quote; line breaks folded away).</summary>
    private static string Yaml(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal).Replace("\r", " ", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal) + "'";

    /// <summary>User text in a templated field (labels and annotations are Go templates): a <c>{{</c> of its own is written as the action <c>{{ "{{" }}</c>, which prints it.</summary>
    private static string Template(string text) => text.Replace("{{", "{{ \"{{\" }}", StringComparison.Ordinal);

    private static string Number(double value) => value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>A Prometheus duration: the largest whole unit.</summary>
    internal static string Duration(long seconds) =>
        seconds % 86400 == 0 ? $"{seconds / 86400}d" : seconds % 3600 == 0 ? $"{seconds / 3600}h" : seconds % 60 == 0 ? $"{seconds / 60}m" : $"{seconds}s";

    /// <summary>An alert name Prometheus accepts (<c>[a-zA-Z_:][a-zA-Z0-9_:]*</c>): <c>keel_MODEL_RULE</c> with other characters as <c>_</c>.</summary>
    internal static string AlertName(string model, string rule)
    {
        var raw = $"keel_{model}_{rule}";
        var name = new StringBuilder(raw.Length);
        foreach (var c in raw)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c == '_' ? c : '_');
        }

        return name.ToString();
    }

    private static string Unique(HashSet<string> names, string name)
    {
        var candidate = name;
        for (var i = 2; !names.Add(candidate); i++)
        {
            candidate = $"{name}_{i}";
        }

        return candidate;
    }
}
