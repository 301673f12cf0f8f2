using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.ML.Packaging;

namespace Keel.Server.Serving;

/// <summary>
/// Turns MLflow scoring bodies into rows (column name to JSON value): <c>dataframe_split</c>,
/// <c>dataframe_records</c>, <c>instances</c>, <c>inputs</c> (plus optional <c>params</c>) and
/// <c>text/csv</c> with a header. Shape problems are BAD_REQUEST listing every problem; the
/// scorer then checks names and types against the signature.
/// </summary>
internal static partial class ScoringInput
{
    /// <summary>The <c>predict_method</c> value that asks for every class's probability (as scikit-learn's method).</summary>
    public const string PredictProba = "predict_proba";

    /// <summary>
    /// Whether the body's <paramref name="parametersKey"/> object (<c>params</c> on /invocations,
    /// <c>parameters</c> on OIP) asks for every class's probability: <c>{"predict_method": "predict_proba"}</c>.
    /// <c>predict</c> (or no such key) is the default; any other value is INVALID_PARAMETER_VALUE.
    /// </summary>
    public static bool WantsProbabilities(JsonElement body, string parametersKey)
    {
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(parametersKey, out var parameters) || parameters.ValueKind != JsonValueKind.Object
            || !parameters.TryGetProperty("predict_method", out var method))
        {
            return false;
        }

        return method.ValueKind == JsonValueKind.String && method.GetString() is "predict" or PredictProba
            ? method.GetString() == PredictProba
            : throw KeelException.InvalidParameter($"{parametersKey}.predict_method: expected \"predict\" or \"{PredictProba}\", got {method.GetRawText()}.");
    }

    private const int MaxReported = 50;
    private static readonly string[] Formats = ["dataframe_split", "dataframe_records", "instances", "inputs"];

    /// <summary>Parses an MLflow JSON body (<paramref name="requireWrapper"/> false also takes a bare split object, as in input_example.json).</summary>
    /// <param name="body">The request body.</param>
    /// <param name="inputs">The signature's input columns.</param>
    /// <param name="requireWrapper">False to also take a bare split object.</param>
    /// <param name="limits">The row limit (REQUEST_TOO_LARGE above it, checked before rows are built); null for none.</param>
    public static List<IReadOnlyDictionary<string, JsonElement>> ParseMlflow(JsonElement body, IReadOnlyList<ColumnSpec> inputs, bool requireWrapper = true, ScoringOptions? limits = null)
    {
        var problems = new List<string>();
        var rows = new List<IReadOnlyDictionary<string, JsonElement>>();
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw Bad($"The request body must be a JSON object with one of the keys {string.Join(", ", Formats)}.");
        }

        if (!requireWrapper && body.TryGetProperty("columns", out _))
        {
            Split(body, inputs, rows, problems, limits);
            return Finish(rows, problems);
        }

        string? format = null;
        JsonElement payload = default;
        foreach (var property in body.EnumerateObject())
        {
            if (Array.IndexOf(Formats, property.Name) >= 0)
            {
                if (format is not null)
                {
                    problems.Add($"only one of {string.Join(", ", Formats)} may be given, got {format} and {property.Name}");
                }

                format = property.Name;
                payload = property.Value;
            }
            else if (property.Name == "params")
            {
                if (property.Value.ValueKind is not (JsonValueKind.Object or JsonValueKind.Null))
                {
                    problems.Add("params: must be a JSON object");
                }
            }
            else
            {
                problems.Add($"{property.Name}: not a recognised key (expected one of {string.Join(", ", Formats)}, and optionally params)");
            }
        }

        if (format is null)
        {
            problems.Add($"the body must have one of the keys {string.Join(", ", Formats)}");
        }
        else if (problems.Count == 0)
        {
            switch (format)
            {
                case "dataframe_split":
                    Split(payload, inputs, rows, problems, limits);
                    break;
                case "dataframe_records":
                    Records(payload, "dataframe_records", inputs, rows, problems, limits);
                    break;
                default:
                    if (payload.ValueKind == JsonValueKind.Object)
                    {
                        Columnar(payload, format, rows, problems, limits);
                    }
                    else
                    {
                        Records(payload, format, inputs, rows, problems, limits);
                    }

                    break;
            }
        }

        return Finish(rows, problems);
    }

    /// <summary>A BAD_REQUEST naming <paramref name="problems"/> (at most 50, then a count).</summary>
    public static KeelException Bad(IReadOnlyList<string> problems) =>
        Bad("Invalid input: " + string.Join("; ", problems.Take(MaxReported)) + (problems.Count > MaxReported ? $"; and {problems.Count - MaxReported} more" : string.Empty) + ".");

    public static KeelException Bad(string message) => new(ErrorCode.BadRequest, message);

    private static List<IReadOnlyDictionary<string, JsonElement>> Finish(List<IReadOnlyDictionary<string, JsonElement>> rows, List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw Bad(problems);
        }

        if (rows.Count == 0)
        {
            throw Bad("The input has no rows: send at least one row to score.");
        }

        return rows;
    }

    private static void Split(JsonElement split, IReadOnlyList<ColumnSpec> inputs, List<IReadOnlyDictionary<string, JsonElement>> rows, List<string> problems, ScoringOptions? limits)
    {
        if (split.ValueKind != JsonValueKind.Object)
        {
            problems.Add("dataframe_split: must be an object with columns and data");
            return;
        }

        string[] columns;
        if (split.TryGetProperty("columns", out var columnsElement))
        {
            if (columnsElement.ValueKind != JsonValueKind.Array || columnsElement.EnumerateArray().Any(c => c.ValueKind != JsonValueKind.String))
            {
                problems.Add("dataframe_split.columns: must be an array of column names");
                return;
            }

            columns = columnsElement.EnumerateArray().Select(c => c.GetString()!).ToArray();
            if (Duplicate(columns) is { } repeated)
            {
                // Positional values under a repeated name would silently lose all but the last.
                problems.Add($"dataframe_split.columns: column '{repeated}' appears more than once");
                return;
            }
        }
        else
        {
            columns = inputs.Select(i => i.Name).ToArray();
        }

        if (!split.TryGetProperty("data", out var data) || data.ValueKind != JsonValueKind.Array)
        {
            problems.Add("dataframe_split.data: must be an array of rows (arrays of values)");
            return;
        }

        limits?.CheckRows(data.GetArrayLength());
        var r = 0;
        var shared = new ScoringColumns(columns);
        foreach (var item in data.EnumerateArray())
        {
            Positional(item, $"dataframe_split.data[{r}]", shared, rows, problems);
            r++;
        }
    }

    private static void Records(JsonElement array, string format, IReadOnlyList<ColumnSpec> inputs, List<IReadOnlyDictionary<string, JsonElement>> rows, List<string> problems, ScoringOptions? limits)
    {
        if (array.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{format}: must be an array of rows");
            return;
        }

        limits?.CheckRows(array.GetArrayLength());

        var columns = new ScoringColumns(inputs.Select(i => i.Name).ToArray());
        var r = 0;
        foreach (var item in array.EnumerateArray())
        {
            var where = $"{format}[{r}]";
            if (item.ValueKind == JsonValueKind.Object)
            {
                var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
                foreach (var property in item.EnumerateObject())
                {
                    if (!row.TryAdd(property.Name, property.Value))
                    {
                        problems.Add($"{where}: key '{property.Name}' appears more than once");
                    }
                }

                rows.Add(row);
            }
            else if (item.ValueKind == JsonValueKind.Array && format != "dataframe_records")
            {
                Positional(item, where, columns, rows, problems);
            }
            else
            {
                problems.Add($"{where}: expected {(format == "dataframe_records" ? "an object" : "an object or an array")}, got {Describe(item)}");
            }

            r++;
        }
    }

    private static void Positional(JsonElement item, string where, ScoringColumns columns, List<IReadOnlyDictionary<string, JsonElement>> rows, List<string> problems)
    {
        if (item.ValueKind != JsonValueKind.Array)
        {
            problems.Add($"{where}: expected an array of values, got {Describe(item)}");
            return;
        }

        var length = item.GetArrayLength();
        if (length != columns.Names.Count)
        {
            problems.Add($"{where}: has {length} values, expected {columns.Names.Count} (one per column)");
            return;
        }

        // By position: the scorer reads these rows without a dictionary per row.
        var values = new JsonElement[length];
        var c = 0;
        foreach (var value in item.EnumerateArray())
        {
            values[c++] = value;
        }

        rows.Add(new ScoringRow(columns, values));
    }

    private static void Columnar(JsonElement columns, string format, List<IReadOnlyDictionary<string, JsonElement>> rows, List<string> problems, ScoringOptions? limits)
    {
        int? count = null;
        var arrays = new List<(string Name, JsonElement[] Values)>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var property in columns.EnumerateObject())
        {
            if (!names.Add(property.Name))
            {
                problems.Add($"{format}: column '{property.Name}' appears more than once");
                continue;
            }

            if (property.Value.ValueKind == JsonValueKind.Array)
            {
                limits?.CheckRows(property.Value.GetArrayLength());
            }

            if (property.Value.ValueKind != JsonValueKind.Array)
            {
                problems.Add($"{format}.{property.Name}: expected an array of values, got {Describe(property.Value)}");
                continue;
            }

            var values = property.Value.EnumerateArray().ToArray();
            count ??= values.Length;
            if (values.Length != count)
            {
                problems.Add($"{format}.{property.Name}: has {values.Length} values, other columns have {count}");
                continue;
            }

            arrays.Add((property.Name, values));
        }

        if (problems.Count > 0 || count is null)
        {
            return;
        }

        for (var r = 0; r < count; r++)
        {
            var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var (name, values) in arrays)
            {
                row[name] = values[r];
            }

            rows.Add(row);
        }
    }

    /// <summary>The first name that occurs twice in <paramref name="names"/>, or null.</summary>
    internal static string? Duplicate(IEnumerable<string> names)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (!seen.Add(name))
            {
                return name;
            }
        }

        return null;
    }

    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Array => "an array",
        JsonValueKind.Null => "null",
        _ => "an object",
    };
}
