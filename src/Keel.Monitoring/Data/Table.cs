using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Data;

/// <summary>How a loaded column was typed.</summary>
public enum TableColumnKind
{
    /// <summary>Every non-missing value parsed as a number.</summary>
    Numeric,

    /// <summary>Labels.</summary>
    Categorical,

    /// <summary>Every non-missing value parsed as a date/time; used for filtering, not compared for drift.</summary>
    DateTime,
}

/// <summary>A loaded column: numbers (NaN = missing), labels (null = missing) or times (null = missing).</summary>
public sealed class TableColumn
{
    /// <summary>Creates a column; exactly one of the arrays is set, matching <paramref name="kind"/>.</summary>
    public TableColumn(string name, TableColumnKind kind, double[]? numbers = null, string?[]? labels = null, DateTime?[]? times = null)
    {
        Name = name;
        Kind = kind;
        Numbers = numbers;
        Labels = labels;
        Times = times;
    }

    /// <summary>Column name from the file header.</summary>
    public string Name { get; }

    /// <summary>Inferred kind.</summary>
    public TableColumnKind Kind { get; }

    /// <summary>Values of a numeric column.</summary>
    public double[]? Numbers { get; }

    /// <summary>Values of a categorical column.</summary>
    public string?[]? Labels { get; }

    /// <summary>Values of a date/time column.</summary>
    public DateTime?[]? Times { get; }

    /// <summary>Row count.</summary>
    public int Length => Numbers?.Length ?? Labels?.Length ?? Times!.Length;

    /// <summary>The rows where <paramref name="keep"/> is true.</summary>
    public TableColumn Select(bool[] keep) => Kind switch
    {
        TableColumnKind.Numeric => new TableColumn(Name, Kind, numbers: Pick(Numbers!, keep)),
        TableColumnKind.Categorical => new TableColumn(Name, Kind, labels: Pick(Labels!, keep)),
        _ => new TableColumn(Name, Kind, times: Pick(Times!, keep)),
    };

    /// <summary>The column as drift input; null for date/time columns.</summary>
    public DriftColumn? ToDriftColumn() => Kind switch
    {
        TableColumnKind.Numeric => DriftColumn.Numeric(Name, Numbers!),
        TableColumnKind.Categorical => DriftColumn.Categorical(Name, Labels!),
        _ => null,
    };

    private static T[] Pick<T>(T[] values, bool[] keep)
    {
        int n = 0;
        foreach (bool k in keep)
        {
            n += k ? 1 : 0;
        }

        var r = new T[n];
        int j = 0;
        for (int i = 0; i < values.Length; i++)
        {
            if (keep[i])
            {
                r[j++] = values[i];
            }
        }

        return r;
    }
}

/// <summary>A loaded table: named, typed columns of equal length.</summary>
public sealed class Table(IReadOnlyList<TableColumn> columns, int rowCount)
{
    /// <summary>Columns in file order.</summary>
    public IReadOnlyList<TableColumn> Columns { get; } = columns;

    /// <summary>Rows.</summary>
    public int RowCount { get; } = rowCount;

    /// <summary>Column by name, or null.</summary>
    public TableColumn? this[string name] => Columns.FirstOrDefault(c => string.Equals(c.Name, name, StringComparison.Ordinal));

    /// <summary>The rows matching every filter.</summary>
    /// <exception cref="Keel.Core.Errors.KeelException">A filter names an unknown column or has a value of the wrong type.</exception>
    public Table Where(IReadOnlyList<RowFilter> filters)
    {
        if (filters.Count == 0)
        {
            return this;
        }

        var keep = new bool[RowCount];
        Array.Fill(keep, true);
        foreach (var f in filters)
        {
            var column = this[f.Column] ?? throw Keel.Core.Errors.KeelException.InvalidParameter($"Filter '{f}': no column '{f.Column}'.");
            f.Apply(column, keep);
        }

        int rows = keep.Count(k => k);
        return new Table(Columns.Select(c => c.Select(keep)).ToList(), rows);
    }
}
