using Keel.Core.Data;
using System.Text.Json;
using Keel.Monitoring.Drift;
using Keel.Monitoring.Reports;
using Keel.Monitoring.Tests.Statistics;

namespace Keel.Monitoring.Tests.Reports;

public class DriftReportWriterTests
{
    private static DriftReport Sample()
    {
        var shifted = ScipyFixture.Case("num_mean_shift_large_1000");
        var same = ScipyFixture.Case("num_identical_normal_500");
        var cat = ScipyFixture.Case("cat_shifted_freq_1000");
        return DriftAnalyzer.Compare(
            [DataColumn.Numeric("calm", ScipyFixture.Numbers(same["reference"])), DataColumn.Numeric("shift<b>", ScipyFixture.Numbers(shifted["reference"])), DataColumn.Labels("cat", ScipyFixture.Strings(cat["reference"]))],
            [DataColumn.Numeric("calm", ScipyFixture.Numbers(same["current"])), DataColumn.Numeric("shift<b>", ScipyFixture.Numbers(shifted["current"])), DataColumn.Labels("cat", ScipyFixture.Strings(cat["current"]))]);
    }

    [Fact]
    public void Html_is_self_contained_summary_first_and_sorted_by_severity()
    {
        string html = DriftHtmlReport.Render(Sample(), "ref.csv vs cur.csv");
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("<link", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("shift<b>", html, StringComparison.Ordinal);
        int summary = html.IndexOf("class=\"verdict", StringComparison.Ordinal);
        int firstSection = html.IndexOf("<section", StringComparison.Ordinal);
        Assert.InRange(summary, 0, firstSection);
        int shiftSection = html.IndexOf("-shift-b-\"><h2>", StringComparison.Ordinal);
        int calmSection = html.IndexOf("-calm\"><h2>", StringComparison.Ordinal);
        Assert.InRange(shiftSection, firstSection, calmSection);
        Assert.Equal(3, html.Split("<svg").Length - 1);
    }

    [Fact]
    public void Json_uses_snake_case_and_carries_the_verdict()
    {
        var report = Sample();
        using var doc = JsonDocument.Parse(DriftJsonReport.ToJson(report));
        var root = doc.RootElement;
        Assert.Equal(report.DatasetDrift, root.GetProperty("dataset_drift").GetBoolean());
        var first = root.GetProperty("columns")[0];
        Assert.Equal("shift<b>", first.GetProperty("column").GetString());
        Assert.True(first.GetProperty("drifted").GetBoolean());
        Assert.Equal("ks", first.GetProperty("test").GetString());
    }
}
