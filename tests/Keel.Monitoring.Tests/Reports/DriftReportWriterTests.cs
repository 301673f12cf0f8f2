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
            [DriftColumn.Numeric("calm", ScipyFixture.Numbers(same["reference"])), DriftColumn.Numeric("shift<b>", ScipyFixture.Numbers(shifted["reference"])), DriftColumn.Categorical("cat", ScipyFixture.Strings(cat["reference"]))],
            [DriftColumn.Numeric("calm", ScipyFixture.Numbers(same["current"])), DriftColumn.Numeric("shift<b>", ScipyFixture.Numbers(shifted["current"])), DriftColumn.Categorical("cat", ScipyFixture.Strings(cat["current"]))]);
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
        int shiftSection = html.IndexOf("<section id=\"col-shift-b-\"", StringComparison.Ordinal);
        int calmSection = html.IndexOf("<section id=\"col-calm\"", StringComparison.Ordinal);
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
