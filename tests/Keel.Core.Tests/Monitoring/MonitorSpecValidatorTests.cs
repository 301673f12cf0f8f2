using Keel.Core.Errors;
using Keel.Core.Monitoring;

namespace Keel.Core.Tests.Monitoring;

public sealed class MonitorSpecValidatorTests
{
    [Fact]
    public void Defaults_AreFilled_ForAModelWithNoSpec()
    {
        var spec = MonitorSpecValidator.Default("credit");
        Assert.Equal("credit", spec.Model);
        Assert.True(spec.Enabled);
        Assert.Equal(300, spec.IntervalSeconds);
        Assert.Equal(300, spec.WindowSeconds);
        Assert.Equal(100, spec.MinRows);
        Assert.Null(spec.EveryPredictions);
        Assert.Empty(spec.Rules!);
        Assert.Empty(spec.Notifiers!);
    }

    [Fact]
    public void RuleAndNotifierDefaults_AreFilled()
    {
        var spec = MonitorSpecValidator.Normalize(new MonitorSpec
        {
            Model = "credit",
            IntervalSeconds = 60,
            Rules = [new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, Actions = [new AlertAction { Kind = "rollback_production" }] }, new AlertRule { Name = "quiet", Kind = AlertRuleKinds.NoTraffic }],
            Notifiers = [new NotifierSpec { Kind = "webhook", Url = "https://hooks.example/x" }],
        });
        Assert.Equal(60, spec.WindowSeconds);
        var drift = spec.Rules![0];
        Assert.Equal((1, 1, "warning"), (drift.For!.Value, drift.ClearFor!.Value, drift.Severity));
        Assert.Equal("production", drift.Actions![0].Alias);
        Assert.Equal(1, spec.Rules[1].Threshold);
        Assert.Equal(("json", 5), (spec.Notifiers![0].Format, spec.Notifiers[0].MaxAttempts!.Value));
    }

    [Fact]
    public void EveryProblem_IsReportedInOneError()
    {
        var e = Assert.Throws<KeelException>(() => MonitorSpecValidator.Normalize(new MonitorSpec
        {
            Model = "credit",
            IntervalSeconds = 0,
            EveryPredictions = 0,
            Rules =
            [
                new AlertRule { Name = "a", Kind = "nonsense" },
                new AlertRule { Name = "a", Kind = AlertRuleKinds.DriftedShare, Threshold = 2 },
                new AlertRule { Name = "r", Kind = AlertRuleKinds.Metric, Threshold = 0.8, Actions = [new AlertAction { Kind = "retrain" }] },
            ],
            Notifiers = [new NotifierSpec { Kind = "webhook", Url = "ftp://x" }, new NotifierSpec { Kind = "email" }],
        }));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        foreach (var part in new[] { "interval_seconds", "every_predictions", "nonsense", "used twice", "between 0 and 1", "pipeline", "http(s)", "email" })
        {
            Assert.Contains(part, e.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bad/name")]
    public void AModelName_IsRequired_AndChecked(string? model) =>
        Assert.Equal(ErrorCode.InvalidParameterValue, Assert.Throws<KeelException>(() => MonitorSpecValidator.Normalize(new MonitorSpec { Model = model })).Code);

    [Theory]
    [InlineData("a\r\nb")]
    [InlineData("tab\there")]
    [InlineData("nul\u0000")]
    public void ARuleName_WithControlCharacters_IsRefused(string name)
    {
        var e = Assert.Throws<KeelException>(() => MonitorSpecValidator.Normalize(new MonitorSpec { Model = "m", Rules = [new AlertRule { Name = name, Kind = AlertRuleKinds.NoTraffic }] }));
        Assert.Contains("'rules[0].name' must not contain control characters", e.Message, StringComparison.Ordinal);
    }
}
