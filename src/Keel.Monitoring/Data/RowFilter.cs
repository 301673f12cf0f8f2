using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Data;

namespace Keel.Monitoring.Data;

/// <summary>
/// A row filter "column OP value" with OP one of &lt; &lt;= &gt; &gt;= == != (= means ==). Numbers compare
/// numerically, date/time columns as times, labels ordinally. Missing values never match.
/// </summary>
public sealed record RowFilter(string Column, string Operator, string Value)
{
    private static readonly string[] Operators = ["<=", ">=", "!=", "==", "<", ">", "="];

    /// <summary>Parses "column OP value", e.g. "date &lt; 2001-02-01" or "origin == ORD".</summary>
    /// <exception cref="KeelException">Not of that form.</exception>
    public static RowFilter Parse(string expression)
    {
        foreach (var op in Operators)
        {
            int at = expression.IndexOf(op, StringComparison.Ordinal);
            if (at > 0)
            {
                string column = expression[..at].Trim(), value = expression[(at + op.Length)..].Trim();
                if (column.Length > 0 && value.Length > 0)
                {
                    return new RowFilter(column, op == "=" ? "==" : op, value);
                }
            }
        }

        throw KeelException.InvalidParameter($"Filter '{expression}' is not of the form 'column OP value' with OP one of < <= > >= == !=.");
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Column} {Operator} {Value}";

    /// <summary>Clears <paramref name="keep"/> for rows that do not match.</summary>
    internal void Apply(DataColumn column, bool[] keep)
    {
        switch (column.Kind)
        {
            case ColumnKind.Numeric:
                if (!CellParsing.TryNumber(Value, out double x))
                {
                    throw KeelException.InvalidParameter($"Filter '{this}': '{Value}' is not a number but column '{Column}' is numeric.");
                }

                var nums = column.Numbers!;
                for (int i = 0; i < keep.Length; i++)
                {
                    keep[i] &= !double.IsNaN(nums[i]) && Holds(nums[i].CompareTo(x));
                }

                break;
            case ColumnKind.DateTime:
                if (!CellParsing.TryTime(Value, out var t))
                {
                    throw KeelException.InvalidParameter($"Filter '{this}': '{Value}' is not a date/time but column '{Column}' holds dates.");
                }

                var times = column.Times!;
                for (int i = 0; i < keep.Length; i++)
                {
                    keep[i] &= times[i] is { } v && Holds(v.CompareTo(t));
                }

                break;
            default:
                var labels = column.Texts!;
                for (int i = 0; i < keep.Length; i++)
                {
                    keep[i] &= labels[i] is { } l && Holds(string.CompareOrdinal(l, Value));
                }

                break;
        }
    }

    private bool Holds(int cmp) => Operator switch
    {
        "<" => cmp < 0,
        "<=" => cmp <= 0,
        ">" => cmp > 0,
        ">=" => cmp >= 0,
        "!=" => cmp != 0,
        _ => cmp == 0,
    };
}
