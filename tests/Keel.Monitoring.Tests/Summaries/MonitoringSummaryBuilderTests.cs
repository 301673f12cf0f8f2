using Keel.Core.Monitoring;
using Keel.Monitoring.Summaries;

namespace Keel.Monitoring.Tests.Summaries;

public class MonitoringSummaryBuilderTests
{
    private static readonly MonitoringSummaryQuery Query = new("m", 7);
    private static readonly long Now = 4 * SummaryWindows.Minute;

    [Fact]
    public void Build_ThreeWindows_TotalsDriftByFeatureAndTrendsAsComputedByHand()
    {
        var s = MonitoringSummaryBuilder.Build(Query, Now, new MonitoringData(SummaryWindows.Three(), false, true, [SummaryWindows.Firing()], SummaryWindows.Events(), false));

        Assert.Equal(SummaryStatuses.Ok, s.Status);
        Assert.Equal((3, 600L, 200.0), (s.TotalWindows, s.TotalPredictions, s.AveragePerWindow));
        Assert.Equal((0L, 3 * SummaryWindows.Minute), (s.StartMs!.Value, s.EndMs!.Value));
        Assert.Equal(Now - 7 * 86_400_000L, s.FromMs);
        Assert.Equal(new SummarySeries("1", null, null, 3, 600), Assert.Single(s.Series));
        Assert.Equal([[], ["a"], ["a", "b"]], s.Windows.Select(w => w.DriftedFeatures.ToArray()));

        // Drifted shares 0, 0.5, 1; dataset drift in the last two.
        Assert.Equal((3, 2, 0.5, 1.0, 1.0), (s.Drift.Windows, s.Drift.DatasetDriftWindows, s.Drift.MeanDriftedShare!.Value, s.Drift.MaxDriftedShare!.Value, s.Drift.LastDriftedShare!.Value));
        Assert.Equal(new FeatureDriftSummary("a", "input", 3, 2, 0.4, 3 * SummaryWindows.Minute), s.Drift.Features[0]);
        Assert.Equal(new FeatureDriftSummary("b", "input", 3, 1, 30, 3 * SummaryWindows.Minute), s.Drift.Features[1]);

        // Realised: 0.9 over 50 rows, 0.8 over 100 (the third window has no labels): mean 0.85,
        // population std 0.05, row-weighted (45 + 80) / 150.
        var p = s.Performance!;
        Assert.Equal(("accuracy", true, 0.9), (p.Metric, p.HigherIsBetter, p.Validation!.Value));
        var r = p.Realised!;
        Assert.Equal((2, 150L), (r.Windows, r.Rows));
        Assert.Equal(0.85, r.Mean, 12);
        Assert.Equal(0.05, r.Std, 12);
        Assert.Equal(125 / 150.0, r.RowWeightedMean, 12);
        Assert.Equal(-0.1, r.Change, 12);
        // Estimated: 0.88, 0.82, 0.7 over 100, 200, 300 rows: mean 0.8, row-weighted 462 / 600.
        var e = p.Estimated!;
        Assert.Equal((3, 600L), (e.Windows, e.Rows));
        Assert.Equal(0.8, e.Mean, 12);
        Assert.Equal(462 / 600.0, e.RowWeightedMean, 12);
        Assert.Equal((0.7, 0.88), (e.Min, e.Max));
        Assert.Equal(-0.18, e.Change, 12);

        Assert.Equal(AlertStates.Firing, Assert.Single(s.Alerts.Active).State);
        Assert.Equal(1, s.Alerts.FiredInPeriod);
        Assert.Equal([3 * SummaryWindows.Minute, 2 * SummaryWindows.Minute], s.Alerts.Events.Select(x => x.AtMs));
    }

    [Fact]
    public void Build_NoWindowInThePeriod_SaysWhetherTheModelHasAnyAtAll()
    {
        var none = new MonitoringData([], false, false, [], [], false);
        Assert.Equal(SummaryStatuses.NoMonitoringData, MonitoringSummaryBuilder.Build(Query, Now, none).Status);
        var old = MonitoringSummaryBuilder.Build(Query, Now, none with { AnyWindow = true });
        Assert.Equal(SummaryStatuses.NoDataInTimeWindow, old.Status);
        Assert.Equal((0, 0L, 0.0), (old.TotalWindows, old.TotalPredictions, old.AveragePerWindow));
        Assert.Null(old.Performance);
        Assert.Null(old.Drift.MeanDriftedShare);
    }

    [Fact]
    public void Build_MetricChangedBetweenWindows_TrendsTheLatestMetricOnly()
    {
        var windows = SummaryWindows.Three();
        windows[0] = windows[0] with { Performance = new WindowPerformance("roc_auc", true, 0.5, 10, null, 0, null) };
        var s = MonitoringSummaryBuilder.Build(Query, Now, new MonitoringData(windows, false, true, [], [], false));
        Assert.Equal("accuracy", s.Performance!.Metric);
        Assert.Equal(1, s.Performance.Realised!.Windows);
        Assert.Equal(2, s.Performance.Estimated!.Windows);
    }

    [Theory]
    [InlineData(null, "Missing value for required parameter 'model'")]
    [InlineData(0L, "'days' must be between 1 and 90")]
    [InlineData(91L, "'days' must be between 1 and 90")]
    public void Query_RefusesBadInput(long? days, string message)
    {
        var e = Assert.Throws<Keel.Core.Errors.KeelException>(() => MonitoringSummaryQuery.Of(days is null ? null : "m", days ?? 7));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Equal(7, MonitoringSummaryQuery.Of("m", null).Days);
    }
}
