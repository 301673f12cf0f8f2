using System.Text;
using Keel.Core.Data;

namespace Keel.Data;

/// <summary>
/// Writes columns as CSV that <see cref="TableReader"/> reads back to the same values when given
/// the same column kinds (<see cref="TableReadOptions.Kinds"/>) and the default missing-value rule:
/// a header row, RFC 4180 quoting where a cell needs it, missing values as empty cells, numbers
/// round-trippable (<see cref="CellParsing.FormatNumber"/>), times as <see cref="CellParsing.FormatTime"/>.
/// </summary>
public static class TableWriter
{
    /// <summary>Writes <paramref name="columns"/> (equal lengths) as UTF-8 CSV with a comma delimiter.</summary>
    /// <exception cref="ArgumentException">The columns differ in length.</exception>
    public static async Task WriteCsvAsync(Stream stream, IReadOnlyList<DataColumn> columns, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentNullException.ThrowIfNull(columns);
        var rows = columns.Count == 0 ? 0 : columns[0].Length;
        foreach (var column in columns)
        {
            if (column.Length != rows)
            {
                throw new ArgumentException($"Column '{column.Name}' has {column.Length} rows, not {rows}.", nameof(columns));
            }
        }

        var writer = new StreamWriter(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 1 << 16, leaveOpen: true) { NewLine = "\n" };
        await using (writer.ConfigureAwait(false))
        {
            var line = new StringBuilder();
            for (var c = 0; c < columns.Count; c++)
            {
                AppendField(line, c, columns[c].Name);
            }

            await writer.WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
            for (var r = 0; r < rows; r++)
            {
                line.Clear();
                for (var c = 0; c < columns.Count; c++)
                {
                    AppendField(line, c, Cell(columns[c], r));
                }

                await writer.WriteLineAsync(line, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>The text of one cell as written; null for a missing value.</summary>
    public static string? Cell(DataColumn column, int row)
    {
        ArgumentNullException.ThrowIfNull(column);
        if (column.Numbers is { } numbers)
        {
            return double.IsNaN(numbers[row]) ? null : CellParsing.FormatNumber(numbers[row]);
        }

        if (column.Times is { } times)
        {
            return times[row] is { } time ? CellParsing.FormatTime(time) : null;
        }

        return column.Texts![row];
    }

    private static void AppendField(StringBuilder line, int index, string? value)
    {
        if (index > 0)
        {
            line.Append(',');
        }

        if (value is null)
        {
            return;
        }

        // Quote what a reader could otherwise split, trim or take for a missing cell.
        if (value.Length == 0 || value.AsSpan().IndexOfAny(",\"\r\n\t;|") >= 0 || char.IsWhiteSpace(value[0]) || char.IsWhiteSpace(value[^1]))
        {
            line.Append('"').Append(value.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            return;
        }

        line.Append(value);
    }
}
