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

    /// <summary>The column with this exact name, or null.</summary>
    public DataColumn? this[string name] => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));
}
