using Keel.Server.Tests.Serving;

namespace Keel.Server.Tests.Monitoring.Scheduling;

/// <summary>The keel_monitoring_* gauges on /metrics, from the latest stored windows.</summary>
[Collection(MonitorCollection.Name)]
public sealed class MonitoringGaugesTests(MonitorFixture fixture)
{
    [Fact]
    public async Task Metrics_AfterAPass_ShowTheLatestWindowOfEverySeries_AndPassPromtool()
    {
        var ct = TestContext.Current.CancellationToken;
        fixture.Time.Advance(TimeSpan.FromHours(3));
        for (var i = 0; i < 120; i++)
        {
            await fixture.FeedbackAsync(await fixture.ScoreAsync("/serving/" + MonitorFixture.Model, i * 4, $"gauge-{i}"));
        }

        await fixture.FlushAsync();
        fixture.Time.Advance(TimeSpan.FromMinutes(5));
        var window = (await fixture.Runner.RunAsync(MonitorFixture.Model, fixture.NowMs, ct)).Windows.Single(w => w.Deployment is null);

        var text = await fixture.Client.GetStringAsync("/metrics", ct);
        var samples = PrometheusText.Samples(text);
        const string series = "model=\"mon\",version=\"1\",deployment=\"\",arm=\"\"";
        Assert.Equal(window.Requests, samples[$"keel_monitoring_window_requests{{{series}}}"]);
        Assert.Equal(window.InputRows, samples[$"keel_monitoring_window_input_rows{{{series}}}"]);
        Assert.Equal(window.EndMs / 1000.0, samples[$"keel_monitoring_window_end_timestamp_seconds{{{series}}}"]);
        Assert.Equal(window.DriftedShare!.Value, samples[$"keel_monitoring_drifted_share{{{series}}}"]);
        Assert.Equal(window.LatencyP99Us!.Value / 1e6, samples[$"keel_monitoring_latency_p99_seconds{{{series}}}"], 12);
        Assert.Equal(window.Performance!.Value!.Value, samples[$"keel_monitoring_metric{{{series},metric=\"auc\"}}"]);
        Assert.Equal(window.Performance.Validation!.Value, samples[$"keel_monitoring_metric_validation{{{series},metric=\"auc\"}}"]);
        Assert.Equal(120, samples[$"keel_monitoring_labelled_rows{{{series}}}"]);
        foreach (var feature in window.Features)
        {
            var labels = $"{series},feature=\"{feature.Feature}\",kind=\"{feature.Kind}\"";
            Assert.Equal(feature.Score, samples[$"keel_monitoring_feature_drift_score{{{labels}}}"], 12);
            Assert.Equal(feature.Drifted ? 1 : 0, samples[$"keel_monitoring_feature_drifted{{{labels}}}"]);
            if (feature.PValue is { } p)
            {
                Assert.Equal(p, samples[$"keel_monitoring_feature_drift_p_value{{{labels}}}"], 12);
            }
        }

        var (exitCode, output) = await PrometheusText.PromtoolCheckAsync(text);
        Assert.True(exitCode == 0, output);
        Assert.DoesNotContain("keel_monitoring", output, StringComparison.Ordinal);
        Assert.Contains(samples.Keys, k => k.StartsWith("keel_monitoring_feature_drift_score{", StringComparison.Ordinal));
    }
}
