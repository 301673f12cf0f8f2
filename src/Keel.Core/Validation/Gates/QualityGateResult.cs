using System.Globalization;

namespace Keel.Core.Validation.Gates;

/// <summary>The checks <see cref="QualityGate"/> runs.</summary>
public enum QualityCheckKind
{
    /// <summary>The current data has at least <see cref="QualityOptions.MinRows"/> rows.</summary>
    RowCount,

    /// <summary>A training column is present in the current data.</summary>
    Present,

    /// <summary>The column's type is the training type.</summary>
    Type,

    /// <summary>Missing share at most training's plus <see cref="QualityOptions.MissingShareTolerance"/>.</summary>
    MissingShare,

    /// <summary>Share outside training's [min, max] at most <see cref="QualityOptions.OutOfRangeTolerance"/>.</summary>
    OutOfRangeShare,

    /// <summary>Share of unseen categories at most <see cref="QualityOptions.UnseenCategoryTolerance"/>.</summary>
    UnseenCategoryShare,
}

/// <summary>One data-quality check.</summary>
/// <param name="Column">The column; null for <see cref="QualityCheckKind.RowCount"/>.</param>
/// <param name="Kind">The check.</param>
/// <param name="Value">The measured share (or row count); null when it could not be measured.</param>
/// <param name="Bound">The largest share allowed (the smallest row count for <see cref="QualityCheckKind.RowCount"/>); null when not applicable.</param>
/// <param name="Outcome">Passed, failed or skipped.</param>
/// <param name="Reason">Why, in a sentence.</param>
public sealed record QualityCheck(string? Column, QualityCheckKind Kind, double? Value, double? Bound, GateOutcome Outcome, string Reason);

/// <summary>The outcome of <see cref="QualityGate"/>.</summary>
/// <param name="Checks">The row-count check, then each training column's checks in training order.</param>
public sealed record QualityGateResult(IReadOnlyList<QualityCheck> Checks) : IGateResult
{
    /// <inheritdoc />
    public bool Passed => Checks.All(c => c.Outcome != GateOutcome.Failed);

    /// <inheritdoc />
    public IReadOnlyList<GateCheck> ToChecks() => Checks.Select(c => new GateCheck(
        GateNames.Quality,
        c.Column,
        CheckName(c.Kind),
        c.Value is { } v ? Text(c.Kind, v) : null,
        c.Bound is { } b ? (c.Kind == QualityCheckKind.RowCount ? ">= " : "<= ") + Text(c.Kind, b) : null,
        c.Outcome,
        c.Reason)).ToList();

    private static string Text(QualityCheckKind kind, double value) =>
        kind == QualityCheckKind.RowCount ? value.ToString("0", CultureInfo.InvariantCulture) : Format.Share(value);

    private static string CheckName(QualityCheckKind kind) => kind switch
    {
        QualityCheckKind.RowCount => "row_count",
        QualityCheckKind.Present => "present",
        QualityCheckKind.Type => "type",
        QualityCheckKind.MissingShare => "missing_share",
        QualityCheckKind.OutOfRangeShare => "out_of_range_share",
        QualityCheckKind.UnseenCategoryShare => "unseen_category_share",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown quality check."),
    };
}
