using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Data;
using Keel.Monitoring.Drift;

namespace Keel.Monitoring.Data;

/// <summary>What drift does with a table from Keel's one reader (<see cref="TableReader"/>): filter rows, pick drift columns.</summary>
public static class TableFilters
{
    /// <summary>The rows matching every filter.</summary>
    /// <exception cref="KeelException">A filter names an unknown column or has a value of the wrong type.</exception>
    public static DataTable Where(this DataTable table, IReadOnlyList<RowFilter> filters)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(filters);
        if (filters.Count == 0)
        {
            return table;
        }

        var keep = new bool[table.RowCount];
        Array.Fill(keep, true);
        foreach (var f in filters)
        {
            var column = table[f.Column] ?? throw KeelException.InvalidParameter($"Filter '{f}': no column '{f.Column}'.");
            f.Apply(column, keep);
        }

        return new DataTable([.. table.Columns.Select(c => c.Select(keep))]);
    }

    /// <summary>The column if drift compares it (numbers, or labels: categorical and text columns); null for date/time and binary columns.</summary>
    public static DataColumn? ToDriftColumn(this DataColumn column)
    {
        ArgumentNullException.ThrowIfNull(column);
        return DriftAnalyzer.Compares(column) ? column : null;
    }
}
