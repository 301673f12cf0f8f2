using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Core.Validation.Gates;

namespace Keel.Core.Tests.Validation.Gates;

public class QualityGateTests
{
    private static double?[] Numbers(int count, Func<int, double?> value) => Enumerable.Range(0, count).Select(value).ToArray();

    private static string?[] Texts(int count, Func<int, string?> value) => Enumerable.Range(0, count).Select(value).ToArray();

    // 100 rows: x in [0, 99] with 2% missing; colour red/green/blue.
    private static DataProfile Training() => DataProfiler.Profile(
    [
        DataColumn.Numeric("x", Numbers(100, i => i % 50 == 0 ? null : i)),
        DataColumn.Text("colour", Texts(100, i => (i % 3) switch { 0 => "red", 1 => "green", _ => "blue" })),
    ]);

    private static QualityCheck Check(QualityGateResult result, string column, QualityCheckKind kind) =>
        result.Checks.Single(c => c.Column == column && c.Kind == kind);

    [Fact]
    public void Evaluate_SameDistribution_Passes()
    {
        var result = QualityGate.Evaluate(Training(), [
            DataColumn.Numeric("x", Numbers(100, i => (99 - i) % 50 == 0 ? null : 99 - i)),
            DataColumn.Text("colour", Texts(100, i => i % 2 == 0 ? "red" : "blue")),
        ]);

        Assert.True(result.Passed);
        Assert.Equal(
            [QualityCheckKind.RowCount, QualityCheckKind.MissingShare, QualityCheckKind.OutOfRangeShare, QualityCheckKind.MissingShare, QualityCheckKind.UnseenCategoryShare],
            result.Checks.Select(c => c.Kind));
    }

    [Theory]
    [InlineData(7, true)]   // 7% = training 2% + 5%: at the bound
    [InlineData(8, false)]
    public void MissingShare_AboveTrainingPlusTolerance_Fails(int missing, bool passes)
    {
        var result = QualityGate.Evaluate(Training(), [DataColumn.Numeric("x", Numbers(100, i => i < missing ? null : 50))]);

        var check = Check(result, "x", QualityCheckKind.MissingShare);
        Assert.Equal(passes, check.Outcome == GateOutcome.Passed);
        Assert.Equal(missing / 100.0, check.Value);
        Assert.Equal(0.07, check.Bound!.Value, 12);
    }

    [Theory]
    [InlineData(1, true)]   // 1 of 100 outside: 1%, at the tolerance
    [InlineData(2, false)]
    public void OutOfRangeShare_OverTolerance_Fails(int outside, bool passes)
    {
        var result = QualityGate.Evaluate(Training(), [DataColumn.Numeric("x", Numbers(100, i => i < outside ? (i % 2 == 0 ? -1 : 100) : 10))]);

        var check = Check(result, "x", QualityCheckKind.OutOfRangeShare);
        Assert.Equal(passes, check.Outcome == GateOutcome.Passed);
        Assert.Equal(outside / 100.0, check.Value);
    }

    [Fact]
    public void OutOfRangeShare_CountsOverPresentValuesOnly()
    {
        var result = QualityGate.Evaluate(Training(), [DataColumn.Numeric("x", [null, null, 500, 5])], new QualityOptions { MissingShareTolerance = 1 });

        Assert.Equal(0.5, Check(result, "x", QualityCheckKind.OutOfRangeShare).Value);
    }

    [Theory]
    [InlineData(1, true)]
    [InlineData(3, false)]
    public void UnseenCategoryShare_OverTolerance_Fails(int unseen, bool passes)
    {
        var result = QualityGate.Evaluate(Training(), [DataColumn.Text("colour", Texts(100, i => i < unseen ? "purple" : "red"))]);

        var check = Check(result, "colour", QualityCheckKind.UnseenCategoryShare);
        Assert.Equal(passes, check.Outcome == GateOutcome.Passed);
        Assert.Equal(unseen / 100.0, check.Value);
    }

    [Fact]
    public void UnseenCategoryShare_TrainingCategoriesTruncated_Skipped()
    {
        var training = DataProfiler.Profile([DataColumn.Text("c", ["a", "b", "c"])], new ProfileOptions { MaxCategories = 2 });

        var result = QualityGate.Evaluate(training, [DataColumn.Text("c", ["z"])]);

        Assert.Equal(GateOutcome.Skipped, Check(result, "c", QualityCheckKind.UnseenCategoryShare).Outcome);
        Assert.True(result.Passed);
    }

    [Fact]
    public void ConstantTrainingColumn_AnyOtherValueIsOutOfRange()
    {
        var training = DataProfiler.Profile([DataColumn.Numeric("k", [5, 5, 5, 5])]);

        var same = QualityGate.Evaluate(training, [DataColumn.Numeric("k", [5, 5, 5])]);
        var moved = QualityGate.Evaluate(training, [DataColumn.Numeric("k", [5, 5, 5.5])]);

        Assert.True(same.Passed);
        Assert.False(moved.Passed);
        Assert.Equal(1 / 3.0, Check(moved, "k", QualityCheckKind.OutOfRangeShare).Value!.Value, 12);
    }

    [Fact]
    public void TrainingColumnWithoutValues_RangeCheckSkipped()
    {
        var training = DataProfiler.Profile([DataColumn.Numeric("k", [null, null])]);

        var result = QualityGate.Evaluate(training, [DataColumn.Numeric("k", [null, 3])]);

        Assert.Equal(GateOutcome.Skipped, Check(result, "k", QualityCheckKind.OutOfRangeShare).Outcome);
    }

    [Fact]
    public void EmptyCurrentData_FailsRowCountOnly()
    {
        var result = QualityGate.Evaluate(Training(), [DataColumn.Numeric("x", Array.Empty<double>()), DataColumn.Text("colour", [])]);

        Assert.False(result.Passed);
        var failed = Assert.Single(result.Checks, c => c.Outcome == GateOutcome.Failed);
        Assert.Equal(QualityCheckKind.RowCount, failed.Kind);
        Assert.Contains("0 rows", failed.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void EmptyCurrentData_AllowedWithMinRowsZero() =>
        Assert.True(QualityGate.Evaluate(Training(), [DataColumn.Numeric("x", Array.Empty<double>()), DataColumn.Text("colour", [])], new QualityOptions { MinRows = 0 }).Passed);

    [Fact]
    public void ColumnMissingFromCurrentData_Fails()
    {
        var result = QualityGate.Evaluate(Training(), [DataColumn.Numeric("x", [5])]);

        Assert.Equal(GateOutcome.Failed, Check(result, "colour", QualityCheckKind.Present).Outcome);
    }

    [Fact]
    public void ColumnKindChanged_FailsTypeCheck()
    {
        var result = QualityGate.Evaluate(Training(), [DataColumn.Numeric("x", [5]), DataColumn.Numeric("colour", [1])]);

        Assert.Equal(GateOutcome.Failed, Check(result, "colour", QualityCheckKind.Type).Outcome);
    }

    [Fact]
    public void ProfileNotComputedAgainstTraining_ExactWhenInsideRange_FailsWhenUnknown()
    {
        var inside = DataProfiler.Profile([DataColumn.Numeric("x", [1, 2]), DataColumn.Text("colour", ["red", "pink"])]);
        var outside = DataProfiler.Profile([DataColumn.Numeric("x", [1, 500]), DataColumn.Text("colour", ["red", "red"])]);

        var first = QualityGate.Evaluate(Training(), inside);
        var second = QualityGate.Evaluate(Training(), outside);

        Assert.Equal(0, Check(first, "x", QualityCheckKind.OutOfRangeShare).Value);
        Assert.Equal(0.5, Check(first, "colour", QualityCheckKind.UnseenCategoryShare).Value);
        var unknown = Check(second, "x", QualityCheckKind.OutOfRangeShare);
        Assert.Equal(GateOutcome.Failed, unknown.Outcome);
        Assert.Contains("not computed against the training profile", unknown.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_OutOfRange_ListedTogether()
    {
        var e = Assert.Throws<KeelException>(() => QualityGate.Evaluate(Training(), Training(),
            new QualityOptions { MissingShareTolerance = -0.1, OutOfRangeTolerance = 2, UnseenCategoryTolerance = double.NaN, MinRows = -1 }));

        Assert.Contains("missing_share_tolerance", e.Message, StringComparison.Ordinal);
        Assert.Contains("out_of_range_tolerance", e.Message, StringComparison.Ordinal);
        Assert.Contains("unseen_category_tolerance", e.Message, StringComparison.Ordinal);
        Assert.Contains("min_rows", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Defaults_AreDocumentedValues()
    {
        var options = new QualityOptions();
        Assert.Equal((0.05, 0.01, 0.01, 1L), (options.MissingShareTolerance, options.OutOfRangeTolerance, options.UnseenCategoryTolerance, options.MinRows));
        Assert.Equal(ColumnKind.Binary, ColumnKinds.Of(ColumnType.Binary));
    }
}
