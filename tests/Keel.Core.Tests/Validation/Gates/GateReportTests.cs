using Keel.Core.Data;
using System.Text.Json;
using Keel.Core.Json;
using Keel.Core.Models;
using Keel.Core.Validation.Gates;

namespace Keel.Core.Tests.Validation.Gates;

public class GateReportTests
{
    private static GateReport Sample()
    {
        var metrics = MetricGate.Evaluate(
            new Dictionary<string, double> { ["accuracy_score"] = 0.91, ["log_loss"] = 0.35 },
            new Dictionary<string, double> { ["accuracy_score"] = 0.90, ["log_loss"] = 0.30 },
            [
                new MetricThreshold("accuracy_score") { Threshold = 0.85, MinAbsoluteChange = 0.005 },
                new MetricThreshold("log_loss") { MinRelativeChange = 0.05 },
            ]);
        var schema = SchemaGate.Validate(
            new ModelSignature([new ColumnSpec("age", ColumnType.Double)], [new ColumnSpec("y", ColumnType.Boolean)]),
            new Dictionary<string, ColumnType> { ["age"] = ColumnType.Integer, ["id"] = ColumnType.String });
        var training = DataProfiler.Profile([DataColumn.Numeric("age", [18, 40, 65])]);
        var quality = QualityGate.Evaluate(training, [DataColumn.Numeric("age", [20, 30, 90])]);
        return GateReport.Combine(metrics, schema, null, quality);
    }

    [Fact]
    public void Combine_CountsFailuresAcrossGates()
    {
        var report = Sample();

        Assert.False(report.Passed);
        // log_loss got worse; age 90 is outside [18, 65] (1 of 3 values).
        Assert.Equal(2, report.Failed);
        Assert.Equal(report.Checks.Count, report.Counted);
        Assert.Equal($"failed: 2 of {report.Counted} checks", report.TagValue);
        Assert.Equal(["metric", "schema", "quality"], report.Checks.Select(c => c.Gate).Distinct());
    }

    [Fact]
    public void TagValue_AllPassed_IsPassed()
    {
        var report = GateReport.Combine(MetricGate.Evaluate(
            new Dictionary<string, double> { ["f1_score"] = 0.9 }, null, [new MetricThreshold("f1_score") { Threshold = 0.5 }]));

        Assert.True(report.Passed);
        Assert.Equal("passed", report.TagValue);
    }

    [Fact]
    public void TagValue_NoGates_SaysNoneNotPassed()
    {
        Assert.Equal("none: no checks", new GateReport([]).TagValue);
        Assert.True(new GateReport([]).Passed);
    }

    [Fact]
    public void TagValue_OnlySkippedChecks_SaysNone()
    {
        var report = new GateReport([
            new GateCheck("metric", "accuracy", "min_absolute_change", null, ">= 0.01", GateOutcome.Skipped, "no champion"),
        ]);

        Assert.Equal(GateReport.NoChecksTagValue, report.TagValue);
    }

    [Fact]
    public void TagValue_SkippedChecksAreNotCounted()
    {
        var report = new GateReport([
            new GateCheck("quality", "c", "unseen_category_share", null, "<= 0.01", GateOutcome.Skipped, "skipped"),
            new GateCheck("quality", "c", "missing_share", "0.5", "<= 0.05", GateOutcome.Failed, "too many"),
            new GateCheck("schema", "id", "extra_column", "string", null, GateOutcome.Warning, "extra"),
        ]);

        Assert.Equal("failed: 1 of 2 checks", report.TagValue);
    }

    [Fact]
    public void ToTableRows_GiveGateCheckValueBoundResult()
    {
        var rows = Sample().ToTableRows();

        Assert.Contains(new GateTableRow("metric", "accuracy_score: threshold", "0.91", ">= 0.85", "pass"), rows);
        Assert.Contains(new GateTableRow("metric", "log_loss: min_relative_change", "0.35", "<= 0.285", "FAIL"), rows);
        Assert.Contains(new GateTableRow("schema", "age: type_widened", "integer", "double", "pass"), rows);
        Assert.Contains(new GateTableRow("schema", "id: extra_column", "string", "-", "warn"), rows);
        Assert.Contains(new GateTableRow("quality", "age: out_of_range_share", "0.3333", "<= 0.01", "FAIL"), rows);
        Assert.Contains(new GateTableRow("quality", "row_count", "3", ">= 1", "pass"), rows);
    }

    [Fact]
    public void ToTable_AlignsColumnsAndEndsWithTagValue()
    {
        var report = Sample();
        var lines = report.ToTable().TrimEnd('\n').Split('\n');

        Assert.StartsWith("GATE", lines[0], StringComparison.Ordinal);
        Assert.Equal(report.Checks.Count + 2, lines.Length);
        Assert.Equal(report.TagValue, lines[^1]);
        var resultColumn = lines[0].IndexOf("RESULT", StringComparison.Ordinal);
        Assert.All(lines[1..^1], l => Assert.True(l.Length > resultColumn && l[resultColumn - 1] == ' '));
    }

    [Fact]
    public void Json_IsSnakeCaseAndRoundTrips()
    {
        var report = Sample();

        var json = JsonSerializer.Serialize(report, KeelJson.Options);
        var back = JsonSerializer.Deserialize<GateReport>(json, KeelJson.Options)!;

        Assert.Contains("\"tag_value\":\"failed: 2 of", json, StringComparison.Ordinal);
        Assert.Contains("\"outcome\":\"FAILED\"", json, StringComparison.Ordinal);
        Assert.Equal(report.Checks, back.Checks);
    }
}
