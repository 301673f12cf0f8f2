using System.Text.Json;
using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Monitoring.Deployments;
using Keel.Monitoring.Reports;

namespace Keel.Server.Tests.Deployments.Analysis;

/// <summary><c>keel deploy report</c>'s numbers on a shadow deployment of the real breast-cancer model whose shadow disagrees on a known set of rows.</summary>
public sealed class DeploymentReportTests(BreastCancerTraffic data) : IClassFixture<BreastCancerTraffic>
{
    private static bool Flipped(int i) => i % 10 == 0;

    private static bool ShadowFails(int i) => i % 50 == 1;

    private async Task<(DeploymentTraffic Traffic, Deployment Deployment)> ShadowAsync(string name)
    {
        var traffic = new DeploymentTraffic(data);
        var deployment = DeploymentTraffic.Deployment(name, new DeploymentGates(), strategy: "shadow");
        var rows = Enumerable.Range(0, data.RowsJson.Length).ToArray();
        await traffic.SendAsync(name, DeploymentArms.Stable, "1", rows, i => data.OutputJson(i), latencyUs: i => 100 + i, requestId: i => $"req-{i}");
        await traffic.SendAsync(name, DeploymentArms.Shadow, "2", rows, i => data.OutputJson(i, inverted: Flipped(i)), failed: ShadowFails, latencyUs: i => 1000 + (2 * i), requestId: i => $"req-{i}");
        return (traffic, deployment);
    }

    [Fact]
    public async Task ShadowReport_HasTheKnownAgreementWithItsWilsonInterval_AndTheConfusionBetweenArms()
    {
        var (traffic, deployment) = await ShadowAsync("shadow-report");
        await using var _ = traffic;

        var report = await DeploymentReportBuilder.BuildAsync(traffic.Store, deployment, null, null, traffic.Windows, 0);

        var paired = Enumerable.Range(0, data.RowsJson.Length).Where(i => !ShadowFails(i)).ToArray();
        long agree = paired.Count(i => !Flipped(i));
        var comparison = report.Comparison!;
        Assert.Equal("classification", comparison.Kind);
        Assert.Equal(paired.Length, comparison.PairedRows);
        Assert.Equal(agree, comparison.Agreement!.Agree);
        Assert.Equal(agree / (double)paired.Length, comparison.Agreement.Rate, 1e-12);
        // Wilson score interval at 95%, from its formula.
        double z = 1.959963984540054, n = paired.Length, p = agree / n;
        double center = (p + z * z / (2 * n)) / (1 + z * z / n), half = z / (1 + z * z / n) * Math.Sqrt(p * (1 - p) / n + z * z / (4 * n * n));
        Assert.Equal(center - half, comparison.Agreement.Low, 1e-9);
        Assert.Equal(center + half, comparison.Agreement.High, 1e-9);

        var labels = comparison.Confusion!.Labels;
        foreach (var (s, si) in labels.Select((l, k) => (l, k)))
        {
            foreach (var (c, ci) in labels.Select((l, k) => (l, k)))
            {
                long expected = paired.Count(i => data.Predictions[i].Label == s && (Flipped(i) ? data.Predictions[i].Label != c : data.Predictions[i].Label == c));
                Assert.Equal(expected, comparison.Confusion.Counts[si][ci]);
            }
        }

        var stable = report.Arms.Single(a => a.Arm == DeploymentArms.Stable);
        var shadow = report.Arms.Single(a => a.Arm == DeploymentArms.Shadow);
        Assert.Equal((569L, 0L, 569L), (stable.Requests, stable.Errors!.Value, stable.WindowRequests!.Value));
        Assert.Equal((paired.Length, (long)(569 - paired.Length)), (shadow.Requests, shadow.Errors!.Value));
        Assert.Equal(Quantile(Enumerable.Range(0, 569).Select(i => 100.0 + i), 0.99), stable.LatencyP99Us!.Value, 1e-9);
        Assert.Equal(Quantile(paired.Select(i => 1000.0 + (2 * i)), 0.5), shadow.LatencyP50Us!.Value, 1e-9);
        double stableAccuracy = Enumerable.Range(0, 569).Count(i => data.Predictions[i].Label == data.Truth[i]) / 569.0;
        double shadowAccuracy = paired.Count(i => (data.Predictions[i].Label == data.Truth[i]) != Flipped(i)) / (double)paired.Length;
        Assert.Equal(stableAccuracy, stable.Metrics["accuracy"], 1e-12);
        Assert.Equal(shadowAccuracy, shadow.Metrics["accuracy"], 1e-12);
        Assert.Equal(569, stable.LabelledRows);
        Assert.Contains(report.Notes, n => n.Contains("Errors come from the prediction log", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Report_WithoutWindows_TakesTheSameErrorsFromTheLog()
    {
        var (traffic, deployment) = await ShadowAsync("shadow-local");
        await using var _ = traffic;

        // No server's windows: a restarted server, or keel deploy report on a local store.
        var report = await DeploymentReportBuilder.BuildAsync(traffic.Store, deployment, null, null, windows: null, 0);

        var failures = Enumerable.Range(0, 569).LongCount(ShadowFails);
        var shadow = report.Arms.Single(a => a.Arm == DeploymentArms.Shadow);
        Assert.Equal((failures, 569L, failures / 569.0), (shadow.Errors!.Value, shadow.WindowRequests!.Value, shadow.ErrorRate!.Value));
        Assert.Equal(0L, report.Arms.Single(a => a.Arm == DeploymentArms.Stable).Errors);
        Assert.Contains(report.Notes, n => n.Contains("Errors come from the prediction log", StringComparison.Ordinal));
        Assert.NotNull(report.Comparison);
    }

    [Fact]
    public async Task RegressionReport_GivesTheQuantilesAndHistogramOfTheDifferences()
    {
        var traffic = new DeploymentTraffic(data);
        await using var _ = traffic;
        var deployment = DeploymentTraffic.Deployment("shadow-regression", new DeploymentGates(), strategy: "shadow");
        var rows = Enumerable.Range(0, 200).ToArray();
        double Value(int i) => data.Predictions[i].Probability!.Value;
        double Difference(int i) => ((i % 7) - 3) / 10.0;
        await traffic.SendAsync(deployment.Name, DeploymentArms.Stable, "1", rows, i => $"[{Value(i):R}]", requestId: i => $"r{i}", feedback: false);
        await traffic.SendAsync(deployment.Name, DeploymentArms.Shadow, "2", rows, i => $"[{Value(i) + Difference(i):R}]", requestId: i => $"r{i}", feedback: false);

        var report = await DeploymentReportBuilder.BuildAsync(traffic.Store, deployment, null, null, traffic.Windows, 0);

        var d = report.Comparison!.Differences!;
        var expected = rows.Select(i => Value(i) + Difference(i) - Value(i)).ToArray();
        Assert.Equal("regression", report.Comparison.Kind);
        Assert.Equal(200, d.Count);
        Assert.Equal(expected.Average(), d.Mean, 1e-12);
        foreach (var (name, level) in new[] { ("p1", 0.01), ("p25", 0.25), ("p50", 0.5), ("p95", 0.95) })
        {
            Assert.Equal(Quantile(expected, level), d.Quantiles[name], 1e-12);
        }

        Assert.Equal(200, d.Counts.Sum());
        Assert.Equal(expected.Count(x => x < d.Edges[1]), d.Counts[0]);
    }

    [Fact]
    public async Task HtmlReport_IsSelfContained_AndEscapesLabelsFromTheLog()
    {
        var traffic = new DeploymentTraffic(data);
        await using var _ = traffic;
        var deployment = DeploymentTraffic.Deployment("shadow-html", new DeploymentGates(), strategy: "shadow");
        var rows = Enumerable.Range(0, 20).ToArray();
        const string hostile = "<img src=x onerror=alert(1)>";
        await traffic.SendAsync(deployment.Name, DeploymentArms.Stable, "1", rows, i => data.OutputJson(i), requestId: i => $"h{i}", feedback: false);
        await traffic.SendAsync(deployment.Name, DeploymentArms.Shadow, "2", rows,
            i => JsonSerializer.Serialize(new[] { new { predicted_label = i % 2 == 0 ? hostile : data.Predictions[i].Label, probability = 0.5 } }), requestId: i => $"h{i}", feedback: false);
        var report = await DeploymentReportBuilder.BuildAsync(traffic.Store, deployment, null, null, traffic.Windows, 0);

        var html = DeploymentHtmlReport.Render(report);

        Assert.Contains(hostile, report.Comparison!.Confusion!.Labels);
        Assert.DoesNotContain(hostile, html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"http", html, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("Agreement", html, StringComparison.Ordinal);
    }

    /// <summary>numpy's default (linear) quantile.</summary>
    private static double Quantile(IEnumerable<double> values, double level)
    {
        var sorted = values.Order().ToArray();
        double pos = level * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        return sorted[lo] + (sorted[Math.Min(lo + 1, sorted.Length - 1)] - sorted[lo]) * (pos - lo);
    }
}
