using Keel.Core.Monitoring;
using Keel.Monitoring.Reports;
using Keel.Monitoring.Summaries;

namespace Keel.Monitoring.Tests.Summaries;

public class MonitoringHtmlReportTests
{
    private const string Hostile = "<img src=x onerror=alert(1)>";

    [Fact]
    public void Render_IsSelfContained_AndEscapesEveryStoredString()
    {
        var windows = SummaryWindows.Three(a: Hostile);
        var query = new MonitoringSummaryQuery("m<script>", 7);
        var summary = MonitoringSummaryBuilder.Build(query, 4 * SummaryWindows.Minute,
            new MonitoringData(windows, false, true, [SummaryWindows.Firing("</td><script>alert(2)</script>")], SummaryWindows.Events("\"'><b>x"), false));
        var html = MonitoringHtmlReport.Render(summary, windows);

        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<img", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<b>x", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
        Assert.Contains("m&lt;script&gt;", html, StringComparison.Ordinal);
        // Nothing loads from elsewhere: no src or href attribute at all (the SVG namespace is a name, not a load).
        Assert.DoesNotContain(" src=", html.Replace("src=x", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.DoesNotContain("href=", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_DrawsTheHeatmapMetricAndCountCharts()
    {
        var windows = SummaryWindows.Three();
        var summary = MonitoringSummaryBuilder.Build(new MonitoringSummaryQuery("m", 7), 4 * SummaryWindows.Minute, new MonitoringData(windows, false, true, [], [], false));
        var html = MonitoringHtmlReport.Render(summary, windows);

        Assert.Contains("Drift by feature over time", html, StringComparison.Ordinal);
        // Two features × three slices (one per window): a drifted in 2, b in 1.
        Assert.Equal(6, CountOf(html, "windows, max score"));
        Assert.Contains("a, to ", html, StringComparison.Ordinal);
        Assert.Contains("drifted in 1 of 1 windows, max score 0.4", html, StringComparison.Ordinal);
        Assert.Contains("Metric over time", html, StringComparison.Ordinal);
        Assert.Contains("realised to ", html, StringComparison.Ordinal);
        Assert.Contains("estimated to ", html, StringComparison.Ordinal);
        Assert.Contains("validation: 0.9", html, StringComparison.Ordinal);
        Assert.Contains("labelled rows to ", html, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_WithoutWindows_SaysSo()
    {
        var summary = MonitoringSummaryBuilder.Build(new MonitoringSummaryQuery("m", 1), 1000, new MonitoringData([], false, false, [], [], false));
        var html = MonitoringHtmlReport.Render(summary, []);
        Assert.Contains("no_monitoring_data", html, StringComparison.Ordinal);
        Assert.Contains("No monitoring window in this period.", html, StringComparison.Ordinal);
    }

    private static int CountOf(string text, string part)
    {
        int count = 0;
        for (int i = text.IndexOf(part, StringComparison.Ordinal); i >= 0; i = text.IndexOf(part, i + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }
}
