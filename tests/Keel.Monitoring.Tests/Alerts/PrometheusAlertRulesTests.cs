using Keel.Core.Monitoring;
using Keel.Monitoring.Alerts;

namespace Keel.Monitoring.Tests.Alerts;

public sealed class PrometheusAlertRulesTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-rules-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static MonitorSpec EveryKind(string model = "credit") => MonitorSpecValidator.Normalize(new MonitorSpec
    {
        Model = model,
        IntervalSeconds = 300,
        WindowSeconds = 600,
        Rules =
        [
            new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, ClearThreshold = 0.2, For = 2, ClearFor = 2, Severity = "critical" },
            new AlertRule { Name = "auc floor", Kind = AlertRuleKinds.Metric, Threshold = 0.8 },
            new AlertRule { Name = "auc-drop", Kind = AlertRuleKinds.MetricDrop, Threshold = 0.05, Deployment = "credit-canary" },
            new AlertRule { Name = "estimate", Kind = AlertRuleKinds.EstimatedMetric, Threshold = 0.75, ClearThreshold = 0.8 },
            new AlertRule { Name = "quality", Kind = AlertRuleKinds.DataQuality },
            new AlertRule { Name = "quality-share", Kind = AlertRuleKinds.DataQuality, Threshold = 0.1 },
            new AlertRule { Name = "errors", Kind = AlertRuleKinds.ErrorRate, Threshold = 0.01, ClearThreshold = 0.005 },
            new AlertRule { Name = "arm-errors", Kind = AlertRuleKinds.ErrorRate, Threshold = 0.02, Deployment = "credit-canary", For = 3 },
            new AlertRule { Name = "slow", Kind = AlertRuleKinds.LatencyP99, Threshold = 250 },
            new AlertRule { Name = "quiet", Kind = AlertRuleKinds.NoTraffic, For = 12 },
            new AlertRule { Name = "it's \"odd\" {{ $x }} \\ é", Kind = AlertRuleKinds.NoTraffic, Threshold = 10 },
        ],
    });

    private async Task<(int ExitCode, string Output)> CheckAsync(string rules)
    {
        await File.WriteAllTextAsync(Path.Combine(_folder, "rules.yml"), rules, TestContext.Current.CancellationToken);
        return await Promtool.RunAsync(_folder, "check", "rules", "rules.yml");
    }

    [Fact]
    public async Task RulesForEveryKind_PassPromtoolCheckRules()
    {
        var rules = PrometheusAlertRules.Write([EveryKind(), EveryKind("fraud.v2"), MonitorSpecValidator.Default("no-rules")]);

        var (exit, output) = await CheckAsync(rules);

        Assert.True(exit == 0, $"promtool check rules failed:\n{output}\n{rules}");
        Assert.Contains("SUCCESS: 22 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoMonitors_IsAnEmptyButValidRulesFile()
    {
        var (exit, output) = await CheckAsync(PrometheusAlertRules.Write([]));

        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 0 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Expressions_UseTheMonitoringGauges_AndTheServingCountersForErrorRates()
    {
        var rules = PrometheusAlertRules.Write([EveryKind()]);

        Assert.Contains("expr: '(keel_monitoring_drifted_share{model=\"credit\"} > 0.3) or ((keel_monitoring_drifted_share{model=\"credit\"} > 0.2) and on(model, version, deployment, arm) ALERTS{alertname=\"keel_credit_drift\", alertstate=\"firing\"})'", rules, StringComparison.Ordinal);
        Assert.Contains("for: 5m\n        keep_firing_for: 5m", rules.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("keel_monitoring_metric{model=\"credit\", metric!~\"rmse|", rules, StringComparison.Ordinal);
        Assert.Contains("(keel_monitoring_metric_validation{model=\"credit\", deployment=\"credit-canary\", metric!~", rules, StringComparison.Ordinal);
        Assert.Contains("sum by (model, version) (rate(keel_serving_request_errors_total{model=\"credit\", kind=\"server_error\"}[10m])) / sum by (model, version) (rate(keel_serving_requests_total{model=\"credit\"}[10m])) > 0.01", rules, StringComparison.Ordinal);
        Assert.Contains("keel_deployment_request_errors_total{deployment=\"credit-canary\", kind=~\"server_error|candidate_refused\"}[10m]", rules, StringComparison.Ordinal);
        Assert.Contains("- alert: keel_credit_arm_errors\n        expr: 'sum by (deployment, arm, version)", rules.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("keel_monitoring_latency_p99_seconds{model=\"credit\"} > 0.25", rules, StringComparison.Ordinal);
        Assert.Contains("keel_monitoring_quality_passed{model=\"credit\"} == 0", rules, StringComparison.Ordinal);
        Assert.Contains("keel_monitoring_window_requests{model=\"credit\"} < 1'\n        for: 55m", rules.ReplaceLineEndings("\n"), StringComparison.Ordinal);
        Assert.Contains("keel_rule: 'it''s \"odd\" {{ \"{{\" }} $x }} \\ é'", rules, StringComparison.Ordinal);
    }

    /// <summary>
    /// Prometheus's own rule unit tests (promtool test rules) on the windows of
    /// <see cref="AlertEvaluatorTests.PassAfterPass_AlertGoesPendingFiringResolved_WithHistoryAndEvidence_AndNotifiesFiringAndResolvedOnly"/>:
    /// the gauge takes each window's drifted share at its end, every 5 minutes; Keel fires at
    /// window 2 (10m) and resolves at window 7 (35m), holding through the hysteresis band at 25m.
    /// </summary>
    [Fact]
    public async Task PrometheusFiresAndResolvesAtTheSameWindowsAsTheEvaluator_PromtoolTestRules()
    {
        var spec = MonitorSpecValidator.Normalize(new MonitorSpec
        {
            Model = "credit",
            IntervalSeconds = 300,
            Rules =
            [
                new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, ClearThreshold = 0.2, For = 2, ClearFor = 2 },
                new AlertRule { Name = "metric", Kind = AlertRuleKinds.Metric, Threshold = 0.8 },
            ],
        });
        var rules = PrometheusAlertRules.Write([spec]);

        // Annotations are checked by promtool check rules above; this test compares when alerts fire and their labels.
        await File.WriteAllLinesAsync(Path.Combine(_folder, "rules.yml"), WithoutAnnotations(rules), TestContext.Current.CancellationToken);
        await File.WriteAllTextAsync(Path.Combine(_folder, "tests.yml"), """
            rule_files: [rules.yml]
            evaluation_interval: 1m
            tests:
              - interval: 5m
                input_series:
                  - series: 'keel_monitoring_drifted_share{model="credit",version="1"}'
                    values: '0.1 0.4 0.5 0.6 0.1 0.25 0.1 0.1 0.1'
                  - series: 'keel_monitoring_metric{model="credit",version="1",metric="auc"}'
                    values: '0.9 0.7 0.7'
                  - series: 'keel_monitoring_metric{model="credit",version="2",metric="rmse"}'
                    values: '0.7 0.9 0.9'
                alert_rule_test:
                  - {eval_time: 5m, alertname: keel_credit_drift, exp_alerts: []}
                  - eval_time: 10m
                    alertname: keel_credit_drift
                    exp_alerts: [{exp_labels: {model: credit, version: "1", severity: warning, keel_model: credit, keel_rule: drift, keel_kind: drifted_share}}]
                  - eval_time: 25m
                    alertname: keel_credit_drift
                    exp_alerts: [{exp_labels: {model: credit, version: "1", severity: warning, keel_model: credit, keel_rule: drift, keel_kind: drifted_share}}]
                  - eval_time: 30m
                    alertname: keel_credit_drift
                    exp_alerts: [{exp_labels: {model: credit, version: "1", severity: warning, keel_model: credit, keel_rule: drift, keel_kind: drifted_share}}]
                  - {eval_time: 35m, alertname: keel_credit_drift, exp_alerts: []}
                  - {eval_time: 0m, alertname: keel_credit_metric, exp_alerts: []}
                  - eval_time: 5m
                    alertname: keel_credit_metric
                    exp_alerts:
                      - exp_labels: {model: credit, version: "1", metric: auc, severity: warning, keel_model: credit, keel_rule: metric, keel_kind: metric}
                      - exp_labels: {model: credit, version: "2", metric: rmse, severity: warning, keel_model: credit, keel_rule: metric, keel_kind: metric}
            """, TestContext.Current.CancellationToken);

        var (exit, output) = await Promtool.RunAsync(_folder, "test", "rules", "tests.yml");

        Assert.True(exit == 0, $"promtool test rules failed:\n{output}\n{rules}");
    }

    [Theory]
    [InlineData(60, "1m")]
    [InlineData(300, "5m")]
    [InlineData(90, "90s")]
    [InlineData(7200, "2h")]
    [InlineData(86400, "1d")]
    public void Durations_AreWrittenInTheLargestWholeUnit(long seconds, string expected) => Assert.Equal(expected, PrometheusAlertRules.Duration(seconds));

    private static IEnumerable<string> WithoutAnnotations(string rules)
    {
        var skipping = false;
        foreach (var line in rules.ReplaceLineEndings("\n").Split('\n'))
        {
            if (line.Trim() == "annotations:")
            {
                skipping = true;
                continue;
            }

            if (skipping && line.StartsWith("          ", StringComparison.Ordinal))
            {
                continue;
            }

            skipping = false;
            yield return line;
        }
    }
}
