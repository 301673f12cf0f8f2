using Keel.Core.Models;
using Keel.ML.Data;
using Keel.ML.Evaluation;
using Keel.ML.Pipeline;

namespace Keel.ML.Tests.Evaluation;

public class GateTests
{
    [Fact]
    public void MetricGate_FloorsCeilingsAndAbsentMetrics()
    {
        var thresholds = new Dictionary<string, MetricThreshold>
        {
            ["roc_auc"] = new(0.8, null),
            ["log_loss"] = new(null, 0.5),
            ["f1_score"] = new(0.5, 0.9),
            ["accuracy_score"] = new(0.1, null),
        };
        var metrics = new Dictionary<string, double> { ["roc_auc"] = 0.8, ["log_loss"] = 0.51, ["f1_score"] = 0.95 };

        var checks = MetricGate.Check(thresholds, metrics);

        Assert.Equal(["accuracy_score", "f1_score", "log_loss", "roc_auc"], checks.Select(c => c.Metric));
        Assert.Equal([false, false, false, true], checks.Select(c => c.Passed));
    }

    [Fact]
    public void SchemaCheck_ReportsMissingExtraAndChangedColumns()
    {
        var expected = new Dictionary<string, ColumnType> { ["age"] = ColumnType.Double, ["home"] = ColumnType.String, ["income"] = ColumnType.Double };
        var actual = new Dictionary<string, ColumnType> { ["age"] = ColumnType.String, ["home"] = ColumnType.String, ["colour"] = ColumnType.String };

        var check = SchemaCheck.Compare(expected, actual);

        Assert.False(check.Compatible);
        Assert.Equal(["income"], check.MissingColumns);
        Assert.Equal(["colour"], check.ExtraColumns);
        Assert.Equal([new TypeMismatch("age", ColumnType.Double, ColumnType.String)], check.TypeMismatches);
        Assert.True(SchemaCheck.Compare(expected, new Dictionary<string, ColumnType>(expected) { ["extra"] = ColumnType.Double }).Compatible);
    }
}
