using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Data;

namespace Keel.Server.Serving;

// text/csv bodies.
internal static partial class ScoringInput
{
    /// <summary>
    /// Parses CSV with a header row through Keel's one table reader (same quoting, header and
    /// missing-value rule as <c>keel train</c> and <c>keel drift</c>: the server's setting
    /// (<see cref="ScoringOptions.CsvMissing"/>) when given, else <paramref name="modelRule"/>, the rule
    /// the model was trained with, else an empty cell only); cells of numeric signature columns become
    /// numbers when they parse (<see cref="CellParsing"/>), missing cells null.
    /// </summary>
    public static List<IReadOnlyDictionary<string, JsonElement>> ParseCsv(string text, IReadOnlyList<ColumnSpec> inputs, ScoringOptions? limits = null, MissingValues? modelRule = null)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw Bad("The CSV body is empty: expected a header row and at least one data row.");
        }

        DataTable table;
        try
        {
            table = TableReader.ReadCsv(text, new TableReadOptions { AllText = true, Delimiter = ',', Missing = limits?.CsvMissing ?? modelRule ?? MissingValues.Default });
        }
        catch (KeelException ex)
        {
            throw Bad("Invalid input: " + ex.Message);
        }

        limits?.CheckRows(table.RowCount);
        var problems = new List<string>();
        var bad = new HashSet<int>();
        foreach (var ragged in table.RaggedRows)
        {
            problems.Add($"row {ragged.Row}: has {ragged.Fields} fields, the header has {table.Columns.Count}");
            bad.Add(ragged.Row);
        }

        if (table.RaggedRowCount > table.RaggedRows.Count)
        {
            problems.Add($"{table.RaggedRowCount - table.RaggedRows.Count} more rows have the wrong number of fields");
        }

        var numeric = new bool[table.Columns.Count];
        for (var c = 0; c < numeric.Length; c++)
        {
            var name = table.Columns[c].Name;
            numeric[c] = inputs.FirstOrDefault(i => i.Name == name)?.Type is ColumnType.Double or ColumnType.Float or ColumnType.Long or ColumnType.Integer;
        }

        var rows = new List<IReadOnlyDictionary<string, JsonElement>>(table.RowCount);
        for (var r = 0; r < table.RowCount; r++)
        {
            if (bad.Contains(r))
            {
                continue;
            }

            var row = new Dictionary<string, JsonElement>(table.Columns.Count, StringComparer.Ordinal);
            for (var c = 0; c < table.Columns.Count; c++)
            {
                var column = table.Columns[c];
                row[column.Name] = CsvCell(column.Texts![r], numeric[c]);
            }

            rows.Add(row);
        }

        return Finish(rows, problems);
    }

    private static JsonElement CsvCell(string? cell, bool numeric)
    {
        if (cell is null)
        {
            return JsonSerializer.SerializeToElement<string?>(null);
        }

        if (numeric && CellParsing.TryNumber(cell, out var number))
        {
            return JsonSerializer.SerializeToElement(number);
        }

        return JsonSerializer.SerializeToElement(cell);
    }
}
