using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Validation.Gates;

namespace Keel.Core.Tests.Validation.Gates;

public class MetricThresholdTests
{
    [Theory]
    [InlineData("accuracy_score", true)]
    [InlineData("precision_score", true)]
    [InlineData("recall_score", true)]
    [InlineData("f1_score", true)]
    [InlineData("roc_auc", true)]
    [InlineData("r2_score", true)]
    [InlineData("log_loss", false)]
    [InlineData("mean_absolute_error", false)]
    [InlineData("mean_squared_error", false)]
    [InlineData("root_mean_squared_error", false)]
    [InlineData("mean_absolute_percentage_error", false)]
    public void ResolveGreaterIsBetter_BuiltInMetric_UsesTable(string metric, bool expected) =>
        Assert.Equal(expected, new MetricThreshold(metric) { Threshold = 0.5 }.ResolveGreaterIsBetter());

    [Fact]
    public void ResolveGreaterIsBetter_ExplicitValue_OverridesTable() =>
        Assert.False(new MetricThreshold("accuracy_score") { Threshold = 0.5, GreaterIsBetter = false }.ResolveGreaterIsBetter());

    [Fact]
    public void Validate_UnknownMetricWithoutDirection_IsConfigurationError()
    {
        var e = Assert.Throws<KeelException>(() => MetricGate.Validate([new MetricThreshold("custom_l1_loss") { Threshold = 0.3 }]));
        Assert.Equal(ErrorCode.InvalidParameterValue, e.Code);
        Assert.Contains("greater_is_better must be set", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ListsEveryProblemAtOnce()
    {
        MetricThreshold[] thresholds =
        [
            new("accuracy_score"),
            new("log_loss") { MinAbsoluteChange = -1 },
            new("f1_score") { MinRelativeChange = 1.5 },
            new("roc_auc") { Threshold = double.NaN },
            new("f1_score") { Threshold = 0.5 },
        ];

        var e = Assert.Throws<KeelException>(() => MetricGate.Validate(thresholds));

        Assert.Contains("no threshold was specified", e.Message, StringComparison.Ordinal);
        Assert.Contains("min_absolute_change must be a positive number", e.Message, StringComparison.Ordinal);
        Assert.Contains("min_relative_change must be between 0 and 1", e.Message, StringComparison.Ordinal);
        Assert.Contains("threshold must be a finite number", e.Message, StringComparison.Ordinal);
        Assert.Contains("more than one threshold", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evaluate_InvalidThreshold_ThrowsBeforeEvaluating() =>
        Assert.Throws<KeelException>(() => MetricGate.Evaluate(new Dictionary<string, double>(), null, [new MetricThreshold("x") { Threshold = 1 }]));

    [Fact]
    public void FromPerformanceThresholds_UsesTableDirectionAndFloorsUnknownMetrics()
    {
        var thresholds = MetricThreshold.FromPerformanceThresholds(new Dictionary<string, double>
        {
            ["accuracy"] = 0.8,
            ["log_loss"] = 0.4,
            ["custom"] = 3,
        });

        Assert.Equal(["accuracy", "custom", "log_loss"], thresholds.Select(t => t.Metric));
        Assert.Equal([true, true, false], thresholds.Select(t => t.GreaterIsBetter!.Value));
        Assert.Equal([0.8, 3, 0.4], thresholds.Select(t => t.Threshold!.Value));
    }

    [Fact]
    public void Json_ReadsMlflowStyleSnakeCase()
    {
        var threshold = JsonSerializer.Deserialize<MetricThreshold>(
            """{"metric": "custom_l1_loss", "threshold": 0.3, "min_relative_change": 0.05, "greater_is_better": false}""", KeelJson.Options)!;

        Assert.Equal(new MetricThreshold("custom_l1_loss") { Threshold = 0.3, MinRelativeChange = 0.05, GreaterIsBetter = false }, threshold);
        Assert.Empty(threshold.Problems());
    }
}
