using System.Globalization;
using System.Text;
using System.Text.Json;
using Keel.Core.Models;

namespace Keel.Server.Serving;

// text/csv bodies.
internal static partial class ScoringInput
{
    /// <summary>Parses CSV with a header row; cells of numeric signature columns become numbers when they parse, empty cells null.</summary>
    public static List<IReadOnlyDictionary<string, JsonElement>> ParseCsv(string text, IReadOnlyList<ColumnSpec> inputs, ScoringOptions? limits = null)
    {
        var records = ReadCsv(text);
        if (records.Count == 0)
        {
            throw Bad("The CSV body is empty: expected a header row and at least one data row.");
        }

        limits?.CheckRows(records.Count - 1);
        var header = records[0];
        var problems = new List<string>();
        if (Duplicate(header) is { } repeated)
        {
            throw Bad($"Invalid input: the CSV header names column '{repeated}' more than once.");
        }

        var rows = new List<IReadOnlyDictionary<string, JsonElement>>();
        for (var r = 1; r < records.Count; r++)
        {
            var record = records[r];
            if (record.Count != header.Count)
            {
                problems.Add($"row {r - 1}: has {record.Count} fields, the header has {header.Count}");
                continue;
            }

            var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            for (var c = 0; c < header.Count; c++)
            {
                row[header[c]] = CsvCell(record[c], inputs.FirstOrDefault(i => i.Name == header[c])?.Type);
            }

            rows.Add(row);
        }

        return Finish(rows, problems);
    }

    private static JsonElement CsvCell(string cell, ColumnType? type)
    {
        if (cell.Length == 0)
        {
            return JsonSerializer.SerializeToElement<string?>(null);
        }

        if (type is ColumnType.Double or ColumnType.Float or ColumnType.Long or ColumnType.Integer
            && double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            return JsonSerializer.SerializeToElement(number);
        }

        return JsonSerializer.SerializeToElement(cell);
    }

    /// <summary>RFC 4180 records: quoted fields with doubled quotes, CRLF or LF line ends; blank lines skipped.</summary>
    private static List<List<string>> ReadCsv(string text)
    {
        var records = new List<List<string>>();
        var record = new List<string>();
        var field = new StringBuilder();
        var quoted = false;
        var any = false;
        for (var i = 0; i < text.Length; i++)
        {
            var ch = text[i];
            if (quoted)
            {
                if (ch == '"' && i + 1 < text.Length && text[i + 1] == '"')
                {
                    field.Append('"');
                    i++;
                }
                else if (ch == '"')
                {
                    quoted = false;
                }
                else
                {
                    field.Append(ch);
                }

                continue;
            }

            switch (ch)
            {
                case '"':
                    quoted = true;
                    any = true;
                    break;
                case ',':
                    record.Add(field.ToString());
                    field.Clear();
                    any = true;
                    break;
                case '\r':
                    break;
                case '\n':
                    EndRecord();
                    break;
                default:
                    field.Append(ch);
                    any = true;
                    break;
            }
        }

        EndRecord();
        return records;

        void EndRecord()
        {
            if (any)
            {
                record.Add(field.ToString());
                records.Add(record);
            }

            record = [];
            field.Clear();
            any = false;
        }
    }
}
