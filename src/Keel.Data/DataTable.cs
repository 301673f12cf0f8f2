using Keel.Core.Data;

namespace Keel.Data;

/// <summary>A table as the reader returns it: named, typed columns of equal length, in file order.</summary>
public sealed class DataTable
{
    /// <summary>Creates a table.</summary>
    /// <exception cref="ArgumentException">The columns differ in length.</exception>
    public DataTable(IReadOnlyList<DataColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
        RowCount = columns.Count == 0 ? 0 : columns[0].Length;
        foreach (var column in columns)
        {
            if (column.Length != RowCount)
            {
                throw new ArgumentException($"Column '{column.Name}' has {column.Length} rows, not {RowCount}.", nameof(columns));
            }
        }
    }

    /// <summary>The columns in file order.</summary>
    public IReadOnlyList<DataColumn> Columns { get; }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>CSV rows whose field count differs from the header's (the first <see cref="RaggedRow.MaxKept"/>); absent fields were read as missing, extra ones ignored.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<RaggedRow> RaggedRows { get; init; } = [];

    /// <summary>How many CSV rows had a field count other than the header's.</summary>
    /// <value>0.</value>
    public int RaggedRowCount { get; init; }

    /// <summary>The column with this exact name, or null.</summary>
    public DataColumn? this[string name] => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}

/// <summary>A CSV row whose field count differs from the header's.</summary>
/// <param name="Row">The data row, from 0 (the header not counted).</param>
/// <param name="Fields">Its number of fields.</param>
public sealed record RaggedRow(int Row, int Fields)
{
    /// <summary>The most ragged rows a table lists.</summary>
    public const int MaxKept = 100;
}
