using Keel.Core.Monitoring;
using Keel.Monitoring.Alerts;

namespace Keel.Monitoring.Tests.Alerts;

public sealed class AlertRuleReadingsTests
{
    private static MonitorWindow Window(WindowPerformance? performance = null, WindowQuality? quality = null, long requests = 100, long errors = 0, double? p99Us = null) =>
        AlertWindows.Window(0, requests: requests) with { Performance = performance, Quality = quality, Errors = errors, LatencyP99Us = p99Us };

    [Theory]
    [InlineData(0.31, AlertVerdict.Breach)]
    [InlineData(0.30, AlertVerdict.Hold)] // equal to the threshold is not a breach
    [InlineData(0.25, AlertVerdict.Hold)]
    [InlineData(0.20, AlertVerdict.Clear)] // equal to the clear threshold is clear
    [InlineData(0.0, AlertVerdict.Clear)]
    public void DriftedShare_BreachesOverTheThreshold_ClearsAtOrUnderTheClearThreshold(double share, AlertVerdict expected)
    {
        var reading = AlertRuleReadings.Read(AlertWindows.Rule(AlertRuleKinds.DriftedShare, 0.3, clear: 0.2), AlertWindows.Window(0, share))!;

        Assert.Equal(expected, reading.Verdict);
        Assert.Equal(share, reading.Value);
    }

    [Fact]
    public void WithoutAClearThreshold_EverythingThatDoesNotBreachClears()
    {
        var rule = AlertWindows.Rule(AlertRuleKinds.DriftedShare, 0.3);

        Assert.Equal(AlertVerdict.Clear, AlertRuleReadings.Read(rule, AlertWindows.Window(0, 0.3))!.Verdict);
        Assert.Equal(AlertVerdict.Breach, AlertRuleReadings.Read(rule, AlertWindows.Window(0, 0.300001))!.Verdict);
    }

    [Fact]
    public void Metric_FollowsTheMetricsDirection()
    {
        var rule = AlertWindows.Rule(AlertRuleKinds.Metric, 0.8);
        var accuracy = new WindowPerformance("accuracy", HigherIsBetter: true, Value: 0.75, LabelledRows: 200, Estimated: null, EstimatedRows: 0, Validation: 0.9);
        var rmse = new WindowPerformance("rmse", HigherIsBetter: false, Value: 0.75, LabelledRows: 200, Estimated: null, EstimatedRows: 0, Validation: 0.5);

        Assert.Equal(AlertVerdict.Breach, AlertRuleReadings.Read(rule, Window(accuracy))!.Verdict);
        Assert.Equal(AlertVerdict.Clear, AlertRuleReadings.Read(rule, Window(rmse))!.Verdict);
        Assert.Equal(AlertVerdict.Breach, AlertRuleReadings.Read(rule, Window(rmse with { Value = 0.85 }))!.Verdict);
        Assert.True(AlertRuleReadings.Read(rule, Window(rmse))!.HigherIsWorse);
        Assert.False(AlertRuleReadings.Read(rule, Window(accuracy))!.HigherIsWorse);
    }

    [Fact]
    public void Metric_WithoutLabels_HasNoReading()
    {
        var rule = AlertWindows.Rule(AlertRuleKinds.Metric, 0.8);
        var noLabels = new WindowPerformance("accuracy", true, Value: null, LabelledRows: 0, Estimated: 0.5, EstimatedRows: 100, Validation: 0.9);

        Assert.Null(AlertRuleReadings.Read(rule, Window(noLabels)));
        Assert.Null(AlertRuleReadings.Read(rule, Window(performance: null)));
    }

    [Fact]
    public void MetricDrop_IsHowFarTheRealisedMetricIsWorseThanValidation_InEitherDirection()
    {
        var rule = AlertWindows.Rule(AlertRuleKinds.MetricDrop, 0.05);
        var auc = new WindowPerformance("auc", true, Value: 0.82, LabelledRows: 300, Estimated: null, EstimatedRows: 0, Validation: 0.9);
        var rmse = new WindowPerformance("rmse", false, Value: 2.5, LabelledRows: 300, Estimated: null, EstimatedRows: 0, Validation: 2.0);

        var aucReading = AlertRuleReadings.Read(rule, Window(auc))!;
        var rmseReading = AlertRuleReadings.Read(rule, Window(rmse))!;
        Assert.Equal(0.08, aucReading.Value, 1e-12);
        Assert.Equal(AlertVerdict.Breach, aucReading.Verdict);
        Assert.Equal(0.5, rmseReading.Value, 1e-12);
        Assert.Equal(AlertVerdict.Breach, rmseReading.Verdict);
        Assert.Equal(AlertVerdict.Clear, AlertRuleReadings.Read(rule, Window(auc with { Value = 0.93 }))!.Verdict);
        Assert.Null(AlertRuleReadings.Read(rule, Window(auc with { Validation = null })));
    }

    [Fact]
    public void EstimatedMetric_ReadsTheEstimate_NotTheRealisedValue()
    {
        var rule = AlertWindows.Rule(AlertRuleKinds.EstimatedMetric, 0.8);
        var perf = new WindowPerformance("accuracy", true, Value: 0.95, LabelledRows: 10, Estimated: 0.7, EstimatedRows: 500, Validation: 0.9);

        var reading = AlertRuleReadings.Read(rule, Window(perf))!;

        Assert.Equal(0.7, reading.Value);
        Assert.Equal(AlertVerdict.Breach, reading.Verdict);
        Assert.Null(AlertRuleReadings.Read(rule, Window(perf with { Estimated = null })));
    }

    [Fact]
    public void DataQuality_WithoutAThreshold_IsTheQualityGatesVerdict_WithOneTheWorstShare()
    {
        var failed = new WindowQuality(false, 0.01, 0.2, 0.0, ["income: 20% out of range"]);
        var passed = new WindowQuality(true, 0.01, 0.0, 0.0, []);

        var verdict = AlertWindows.Rule(AlertRuleKinds.DataQuality, null);
        Assert.Equal((1.0, AlertVerdict.Breach), Pair(AlertRuleReadings.Read(verdict, Window(quality: failed))!));
        Assert.Equal((0.0, AlertVerdict.Clear), Pair(AlertRuleReadings.Read(verdict, Window(quality: passed))!));
        Assert.Contains("income: 20% out of range", AlertRuleReadings.Read(verdict, Window(quality: failed))!.Message, StringComparison.Ordinal);
        Assert.Null(AlertRuleReadings.Read(verdict, Window(quality: null)));

        var share = AlertWindows.Rule(AlertRuleKinds.DataQuality, 0.1);
        Assert.Equal((0.2, AlertVerdict.Breach), Pair(AlertRuleReadings.Read(share, Window(quality: failed))!));
        Assert.Equal((0.01, AlertVerdict.Clear), Pair(AlertRuleReadings.Read(share, Window(quality: passed))!));
    }

    [Fact]
    public void ErrorRate_IsErrorsOverRequests_AndAWindowWithoutRequestsHasNoReading()
    {
        var rule = AlertWindows.Rule(AlertRuleKinds.ErrorRate, 0.01);

        Assert.Equal((0.05, AlertVerdict.Breach), Pair(AlertRuleReadings.Read(rule, Window(requests: 200, errors: 10))!));
        Assert.Equal((0.005, AlertVerdict.Clear), Pair(AlertRuleReadings.Read(rule, Window(requests: 200, errors: 1))!));
        Assert.Null(AlertRuleReadings.Read(rule, Window(requests: 0)));
    }

    [Fact]
    public void LatencyP99_IsReadInMilliseconds()
    {
        var rule = AlertWindows.Rule(AlertRuleKinds.LatencyP99, 100);

        Assert.Equal((250.0, AlertVerdict.Breach), Pair(AlertRuleReadings.Read(rule, Window(p99Us: 250_000))!));
        Assert.Equal((99.0, AlertVerdict.Clear), Pair(AlertRuleReadings.Read(rule, Window(p99Us: 99_000))!));
        Assert.Null(AlertRuleReadings.Read(rule, Window(p99Us: null)));
    }

    [Fact]
    public void NoTraffic_BreachesUnderItsThreshold_ByDefaultOnlyWithNoRequestsAtAll()
    {
        var byDefault = AlertWindows.Rule(AlertRuleKinds.NoTraffic, null);
        var atLeastTen = AlertWindows.Rule(AlertRuleKinds.NoTraffic, 10);

        Assert.Equal(AlertVerdict.Breach, AlertRuleReadings.Read(byDefault, Window(requests: 0))!.Verdict);
        Assert.Equal(AlertVerdict.Clear, AlertRuleReadings.Read(byDefault, Window(requests: 1))!.Verdict);
        Assert.Equal(AlertVerdict.Breach, AlertRuleReadings.Read(atLeastTen, Window(requests: 9))!.Verdict);
        Assert.Equal(AlertVerdict.Clear, AlertRuleReadings.Read(atLeastTen, Window(requests: 10))!.Verdict);
    }

    private static (double, AlertVerdict) Pair(AlertReading reading) => (Math.Round(reading.Value, 12), reading.Verdict);
}
