using Keel.Core.Models;

namespace Keel.ML.Data;

/// <summary>
/// How new data's schema compares with a model's <c>data_schema</c> (the specification's
/// <c>ModelValidator.validate_data_schema</c>): columns missing, columns extra, types changed.
/// </summary>
/// <param name="MissingColumns">Expected columns the data lacks, in expected order.</param>
/// <param name="ExtraColumns">Data columns the model does not know, in data order.</param>
/// <param name="TypeMismatches">Columns whose type differs.</param>
public sealed record SchemaCheck(
    IReadOnlyList<string> MissingColumns,
    IReadOnlyList<string> ExtraColumns,
    IReadOnlyList<TypeMismatch> TypeMismatches)
{
    /// <summary>True when no column is missing and no type differs; extra columns are reported but, as in the specification, do not make the data incompatible.</summary>
    public bool Compatible => MissingColumns.Count == 0 && TypeMismatches.Count == 0;

    /// <summary>Compares <paramref name="actual"/> with <paramref name="expected"/>.</summary>
    public static SchemaCheck Compare(IReadOnlyDictionary<string, ColumnType> expected, IReadOnlyDictionary<string, ColumnType> actual)
    {
        ArgumentNullException.ThrowIfNull(expected);
        ArgumentNullException.ThrowIfNull(actual);
        var missing = new List<string>();
        var mismatches = new List<TypeMismatch>();
        foreach (var (column, type) in expected)
        {
            if (!actual.TryGetValue(column, out var found))
            {
                missing.Add(column);
            }
            else if (found != type)
            {
                mismatches.Add(new TypeMismatch(column, type, found));
            }
        }

        var extra = actual.Keys.Where(c => !expected.ContainsKey(c)).ToList();
        return new SchemaCheck(missing, extra, mismatches);
    }
}

/// <summary>A column whose type differs from the model's <c>data_schema</c>.</summary>
/// <param name="Column">The column.</param>
/// <param name="Expected">The type in the model's schema.</param>
/// <param name="Actual">The type in the new data.</param>
public sealed record TypeMismatch(string Column, ColumnType Expected, ColumnType Actual);
