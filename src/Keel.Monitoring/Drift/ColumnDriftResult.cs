using Keel.Core.Data;
namespace Keel.Monitoring.Drift;

/// <summary>What happened to a column in a drift comparison.</summary>
public enum ColumnStatus
{
    /// <summary>A method ran and gave a number.</summary>
    Tested,

    /// <summary>Both samples hold one and the same value: nothing can drift; no test is run.</summary>
    Constant,

    /// <summary>The method could not give a number (reason given).</summary>
    NotApplicable,

    /// <summary>The column exists only in the current data.</summary>
    MissingInReference,

    /// <summary>The column exists only in the reference data.</summary>
    MissingInCurrent,

    /// <summary>One side has no non-missing value.</summary>
    NoValues,
}

/// <summary>Per-side summary counts of a column.</summary>
/// <param name="Count">Non-missing values.</param>
/// <param name="Missing">Missing values (NaN or empty).</param>
/// <param name="Distinct">Distinct non-missing values.</param>
public sealed record SideSummary(long Count, long Missing, int Distinct);

/// <summary>Data for the report's chart of one column: bins or categories with both sides' counts.</summary>
/// <param name="Labels">Bin or category labels.</param>
/// <param name="Reference">Reference counts.</param>
/// <param name="Current">Current counts.</param>
/// <param name="Edges">Bin edges for numeric columns; null for categories.</param>
public sealed record ColumnChart(string[] Labels, long[] Reference, long[] Current, double[]? Edges);

/// <summary>The drift verdict for one column.</summary>
public sealed record ColumnDriftResult
{
    /// <summary>Column name.</summary>
    public required string Column { get; init; }

    /// <summary>Numeric or categorical.</summary>
    public required ColumnKind Kind { get; init; }

    /// <summary>Tested, constant, not applicable, or missing on one side.</summary>
    public required ColumnStatus Status { get; init; }

    /// <summary>Method name (see <see cref="DriftMethods"/>); null when none ran.</summary>
    public string? Test { get; init; }

    /// <summary>True when the method was chosen by the automatic rule.</summary>
    public bool AutoSelected { get; init; }

    /// <summary>p-value or distance.</summary>
    public DriftMethodKind? MethodKind { get; init; }

    /// <summary>Statistic or distance; null when not applicable.</summary>
    public double? Statistic { get; init; }

    /// <summary>Raw p-value for p-value methods.</summary>
    public double? PValue { get; init; }

    /// <summary>p-value after the report's multiple-testing correction.</summary>
    public double? AdjustedPValue { get; init; }

    /// <summary>Threshold the decision used.</summary>
    public double? Threshold { get; init; }

    /// <summary>The verdict.</summary>
    public bool Drifted { get; init; }

    /// <summary>Severity for sorting: ≥ 1 means drift (p-value: log p / log threshold; distance: value / threshold).</summary>
    public double Severity { get; init; }

    /// <summary>Why no number is given, or a note on the method (exact/asymptotic, caps, dropped values).</summary>
    public string? Reason { get; init; }

    /// <summary>Reference counts; null when the column is absent from the reference.</summary>
    public SideSummary? Reference { get; init; }

    /// <summary>Current counts; null when the column is absent from the current data.</summary>
    public SideSummary? Current { get; init; }

    /// <summary>Chart data for reports.</summary>
    public ColumnChart? Chart { get; init; }
}
