using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Validation.Gates;

namespace Keel.Core.Tests.Validation.Gates;

/// <summary>Keeps the example report in docs/validation-gates.md what the code prints.</summary>
public class GateReportDocsTests
{
    /// <summary>The example of the docs: a challenger against the champion, on new data.</summary>
    internal static GateReport Example()
    {
        var metrics = MetricGate.Evaluate(
            new Dictionary<string, double> { ["accuracy_score"] = 0.912, ["log_loss"] = 0.31 },
            new Dictionary<string, double> { ["accuracy_score"] = 0.905, ["log_loss"] = 0.30 },
            [
                new MetricThreshold("accuracy_score") { Threshold = 0.85, MinAbsoluteChange = 0.005 },
                new MetricThreshold("log_loss") { MinRelativeChange = 0.02 },
            ]);
        var schema = SchemaGate.Validate(
            new ModelSignature(
                [new ColumnSpec("age", ColumnType.Double), new ColumnSpec("plan", ColumnType.String), new ColumnSpec("visits", ColumnType.Long)],
                [new ColumnSpec("churn", ColumnType.Boolean)]),
            new Dictionary<string, ColumnType> { ["age"] = ColumnType.Integer, ["plan"] = ColumnType.String, ["visits"] = ColumnType.Long, ["customer_id"] = ColumnType.String });
        var training = DataProfiler.Profile(
        [
            DataColumn.Numeric("age", [18, 25, 33, 41, null, 52, 65, 29, 38, 47]),
            DataColumn.Text("plan", ["basic", "pro", "basic", "team", "basic", "pro", "basic", "team", "pro", "basic"]),
        ]);
        var quality = QualityGate.Evaluate(training,
        [
            DataColumn.Numeric("age", [19, 27, 35, 44, 51, 63, 30, 39, 46, 71]),
            DataColumn.Text("plan", ["basic", "pro", null, "team", "basic", "pro", "basic", "team", "pro", "basic"]),
        ]);
        return GateReport.Combine(metrics, schema, quality);
    }

    [Fact]
    public void DocsExampleTable_IsWhatTheCodePrints()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Keel.slnx")))
        {
            directory = directory.Parent;
        }

        Assert.NotNull(directory);
        var docs = File.ReadAllText(Path.Combine(directory.FullName, "docs", "validation-gates.md"));

        Assert.Contains(Example().ToTable(), docs, StringComparison.Ordinal);
    }
}
