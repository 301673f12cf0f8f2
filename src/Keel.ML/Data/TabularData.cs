using Keel.Core.Data;
using Keel.Core.Models;

namespace Keel.ML.Data;

/// <summary>
/// A table held in memory, column by column, with each column's kind decided by
/// <see cref="Keel.Data.SchemaInference"/> (or an override). Splits and permutation importance work on it.
/// </summary>
public sealed class TabularData
{
    private readonly Dictionary<string, DataColumn> _byName;

    /// <summary>Creates a table; every column must have the same length.</summary>
    public TabularData(IReadOnlyList<DataColumn> columns)
    {
        ArgumentNullException.ThrowIfNull(columns);
        Columns = columns;
        RowCount = columns.Count == 0 ? 0 : columns[0].Length;
        _byName = new Dictionary<string, DataColumn>(StringComparer.Ordinal);
        foreach (var column in columns)
        {
            if (column.Length != RowCount)
            {
                throw new ArgumentException($"Column '{column.Name}' has {column.Length} rows, not {RowCount}.", nameof(columns));
            }

            _byName[column.Name] = column;
        }
    }

    /// <summary>The columns, in file order.</summary>
    public IReadOnlyList<DataColumn> Columns { get; }

    /// <summary>The number of rows.</summary>
    public int RowCount { get; }

    /// <summary>The column with this name, or null.</summary>
    public DataColumn? Find(string name) => _byName.GetValueOrDefault(name);

    /// <summary>The column with this name.</summary>
    /// <exception cref="KeyNotFoundException">No such column.</exception>
    public DataColumn this[string name] => _byName[name];

    /// <summary>The schema as the model package's <c>data_schema</c>: name to signature type.</summary>
    public IReadOnlyDictionary<string, ColumnType> Schema()
    {
        var schema = new Dictionary<string, ColumnType>(StringComparer.Ordinal);
        foreach (var column in Columns)
        {
            schema[column.Name] = ToColumnType(column.Kind);
        }

        return schema;
    }

    /// <summary>The signature type of a column kind: numeric = double, datetime = datetime, else string.</summary>
    public static ColumnType ToColumnType(ColumnKind kind) => ColumnKinds.ToColumnType(kind);

    /// <summary>A new table with only <paramref name="rows"/>, in that order.</summary>
    public TabularData Take(int[] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var columns = new DataColumn[Columns.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = Columns[c].Take(rows);
        }

        return new TabularData(columns);
    }

    /// <summary>A new table with the column named <paramref name="name"/> replaced by <paramref name="column"/>.</summary>
    internal TabularData Replace(string name, DataColumn column)
    {
        var columns = new DataColumn[Columns.Count];
        for (var c = 0; c < columns.Length; c++)
        {
            columns[c] = Columns[c].Name == name ? column : Columns[c];
        }

        return new TabularData(columns);
    }
}
