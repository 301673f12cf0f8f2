using Keel.Core.Models;

namespace Keel.Core.Validation.Gates;

/// <summary>What kind of schema finding a <see cref="SchemaIssue"/> is.</summary>
public enum SchemaIssueKind
{
    /// <summary>A model input is absent from the data. Fails.</summary>
    MissingColumn,

    /// <summary>The data has a column the model does not use. A warning unless strict.</summary>
    ExtraColumn,

    /// <summary>The data's type cannot feed the input. Fails.</summary>
    TypeMismatch,

    /// <summary>The data's type differs but widens safely. Passes; reported for the record.</summary>
    Widened,
}

/// <summary>One schema finding.</summary>
/// <param name="Column">The column name.</param>
/// <param name="Kind">The finding.</param>
/// <param name="Expected">The type the model expects; null for an extra column.</param>
/// <param name="Actual">The type in the data; null for a missing column.</param>
/// <param name="Outcome">Failed, warning or passed (a widening).</param>
/// <param name="Message">A sentence a person can act on.</param>
public sealed record SchemaIssue(string Column, SchemaIssueKind Kind, ColumnType? Expected, ColumnType? Actual, GateOutcome Outcome, string Message);

/// <summary>The outcome of <see cref="SchemaGate.Validate(ModelSignature, IReadOnlyDictionary{string, ColumnType}, SchemaOptions?)"/>.</summary>
/// <param name="ExpectedColumns">How many columns the model expects.</param>
/// <param name="Issues">Every finding: missing columns in signature order, then extras by name.</param>
public sealed record SchemaGateResult(int ExpectedColumns, IReadOnlyList<SchemaIssue> Issues) : IGateResult
{
    /// <inheritdoc />
    public bool Passed => Issues.All(i => i.Outcome != GateOutcome.Failed);

    /// <summary>The names of missing columns (the specification's <c>missing_columns</c>).</summary>
    public IReadOnlyList<string> MissingColumns => Of(SchemaIssueKind.MissingColumn);

    /// <summary>The names of extra columns (the specification's <c>extra_columns</c>).</summary>
    public IReadOnlyList<string> ExtraColumns => Of(SchemaIssueKind.ExtraColumn);

    /// <summary>The columns whose type cannot feed the model (the specification's <c>type_mismatches</c>).</summary>
    public IReadOnlyList<SchemaIssue> TypeMismatches => Issues.Where(i => i.Kind == SchemaIssueKind.TypeMismatch).ToList();

    /// <inheritdoc />
    public IReadOnlyList<GateCheck> ToChecks()
    {
        var checks = Issues.Select(i => new GateCheck(
            GateNames.Schema,
            i.Column,
            CheckName(i.Kind),
            i.Actual?.ToName(),
            i.Expected?.ToName(),
            i.Outcome,
            i.Message)).ToList();
        if (checks.Count == 0)
        {
            checks.Add(new GateCheck(GateNames.Schema, null, "columns", ExpectedColumns.ToString(System.Globalization.CultureInfo.InvariantCulture), null,
                GateOutcome.Passed, $"All {ExpectedColumns} model inputs are present with their types, and no extra columns."));
        }

        return checks;
    }

    private IReadOnlyList<string> Of(SchemaIssueKind kind) => Issues.Where(i => i.Kind == kind).Select(i => i.Column).ToList();

    private static string CheckName(SchemaIssueKind kind) => kind switch
    {
        SchemaIssueKind.MissingColumn => "missing_column",
        SchemaIssueKind.ExtraColumn => "extra_column",
        SchemaIssueKind.TypeMismatch => "type",
        SchemaIssueKind.Widened => "type_widened",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown schema issue."),
    };
}
