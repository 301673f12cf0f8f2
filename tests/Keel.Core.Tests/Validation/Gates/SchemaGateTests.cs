using Keel.Core.Models;
using Keel.Core.Validation.Gates;

namespace Keel.Core.Tests.Validation.Gates;

public class SchemaGateTests
{
    private static readonly ModelSignature Signature = new(
        [new ColumnSpec("age", ColumnType.Double), new ColumnSpec("visits", ColumnType.Long), new ColumnSpec("city", ColumnType.String)],
        [new ColumnSpec("churn", ColumnType.Boolean)]);

    private static Dictionary<string, ColumnType> Columns(params (string Name, ColumnType Type)[] columns) =>
        columns.ToDictionary(c => c.Name, c => c.Type);

    [Fact]
    public void Validate_ExactMatch_PassesWithOneSummaryCheck()
    {
        var result = SchemaGate.Validate(Signature, Columns(("age", ColumnType.Double), ("visits", ColumnType.Long), ("city", ColumnType.String)));

        Assert.True(result.Passed);
        Assert.Empty(result.Issues);
        Assert.Equal(GateOutcome.Passed, Assert.Single(result.ToChecks()).Outcome);
    }

    [Fact]
    public void Validate_ListsEveryProblem()
    {
        var result = SchemaGate.Validate(Signature, Columns(("age", ColumnType.String), ("Visits", ColumnType.Long), ("zip", ColumnType.Integer)));

        Assert.False(result.Passed);
        Assert.Equal(["visits", "city"], result.MissingColumns);
        Assert.Equal(["Visits", "zip"], result.ExtraColumns);
        var mismatch = Assert.Single(result.TypeMismatches);
        Assert.Equal(("age", ColumnType.Double, ColumnType.String), (mismatch.Column, mismatch.Expected!.Value, mismatch.Actual!.Value));
        Assert.Contains("case-sensitive", result.Issues.Single(i => i.Column == "visits").Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ExtraColumns_WarnByDefault_FailWhenStrict()
    {
        var incoming = Columns(("age", ColumnType.Double), ("visits", ColumnType.Long), ("city", ColumnType.String), ("id", ColumnType.String));

        var lenient = SchemaGate.Validate(Signature, incoming);
        var strict = SchemaGate.Validate(Signature, incoming, new SchemaOptions { FailOnExtraColumns = true });

        Assert.True(lenient.Passed);
        Assert.Equal(GateOutcome.Warning, Assert.Single(lenient.Issues).Outcome);
        Assert.False(strict.Passed);
        Assert.Equal(GateOutcome.Failed, Assert.Single(strict.Issues).Outcome);
    }

    [Theory]
    [InlineData(ColumnType.Integer, ColumnType.Long, true)]
    [InlineData(ColumnType.Integer, ColumnType.Double, true)]
    [InlineData(ColumnType.Long, ColumnType.Double, true)]
    [InlineData(ColumnType.Float, ColumnType.Double, true)]
    [InlineData(ColumnType.Long, ColumnType.Integer, false)]
    [InlineData(ColumnType.Double, ColumnType.Float, false)]
    [InlineData(ColumnType.Double, ColumnType.Long, false)]
    [InlineData(ColumnType.Integer, ColumnType.Float, false)]
    [InlineData(ColumnType.String, ColumnType.Double, false)]
    [InlineData(ColumnType.Boolean, ColumnType.Integer, false)]
    public void Validate_Widening_OnlySafeOnesPass(ColumnType actual, ColumnType expected, bool passes)
    {
        var result = SchemaGate.Validate([new ColumnSpec("x", expected)], Columns(("x", actual)));

        Assert.Equal(passes, result.Passed);
        var issue = Assert.Single(result.Issues);
        Assert.Equal(passes ? SchemaIssueKind.Widened : SchemaIssueKind.TypeMismatch, issue.Kind);
    }

    [Fact]
    public void ToChecks_TypeRowsShowActualAndExpected()
    {
        var check = Assert.Single(SchemaGate.Validate([new ColumnSpec("x", ColumnType.Double)], Columns(("x", ColumnType.String))).ToChecks());

        Assert.Equal(("schema", "x", "type", "string", "double", GateOutcome.Failed), (check.Gate, check.Subject, check.Check, check.Value, check.Bound, check.Outcome));
    }

    [Fact]
    public void ValidateDataSchema_UsesDataSchema_OrSignatureWhenEmpty()
    {
        var metadata = new ModelMetadata
        {
            Id = "m-1",
            Name = "churn",
            Version = "1",
            Algorithm = "FastTree",
            Framework = "ML.NET",
            CreatedAt = DateTimeOffset.UnixEpoch,
            CreatedBy = "test",
            Signature = Signature,
            DataSchema = new Dictionary<string, ColumnType> { ["age"] = ColumnType.Double, ["churn"] = ColumnType.Boolean },
        };
        var incoming = Columns(("age", ColumnType.Double), ("visits", ColumnType.Long), ("city", ColumnType.String));

        var bySchema = SchemaGate.ValidateDataSchema(metadata, incoming);
        var bySignature = SchemaGate.ValidateDataSchema(metadata with { DataSchema = new Dictionary<string, ColumnType>() }, incoming);

        Assert.Equal(["churn"], bySchema.MissingColumns);
        Assert.Equal(["city", "visits"], bySchema.ExtraColumns);
        Assert.True(bySignature.Passed);
        Assert.Empty(bySignature.Issues);
    }
}
