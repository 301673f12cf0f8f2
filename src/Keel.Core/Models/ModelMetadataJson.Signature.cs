using System.Text.Json;

namespace Keel.Core.Models;

internal static partial class ModelMetadataJson
{
    private static ModelSignature Signature(Dictionary<string, JsonElement> properties, PackageProblems problems)
    {
        var empty = new ModelSignature([], []);
        if (!properties.TryGetValue("signature", out var value))
        {
            return empty;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add("signature", "must be an object with 'inputs' and 'outputs'");
            return empty;
        }

        var parts = Properties(value, "signature", problems);
        foreach (var name in parts.Keys)
        {
            if (name is not ("inputs" or "outputs"))
            {
                problems.Add($"signature.{name}", "unknown property; only 'inputs' and 'outputs' are allowed");
            }
        }

        return new ModelSignature(Columns(parts, "inputs", problems), Columns(parts, "outputs", problems));
    }

    private static List<ColumnSpec> Columns(Dictionary<string, JsonElement> parts, string name, PackageProblems problems)
    {
        var path = $"signature.{name}";
        var result = new List<ColumnSpec>();
        if (!parts.TryGetValue(name, out var value) || value.ValueKind != JsonValueKind.Array)
        {
            problems.Add(path, "must be a list of columns");
            return result;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            var column = Column(item, $"{path}[{index}]", problems);
            if (column is not null)
            {
                result.Add(column);
            }

            index++;
        }

        return result;
    }

    private static ColumnSpec? Column(JsonElement item, string path, PackageProblems problems)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            problems.Add(path, "must be an object with 'name' and 'type'");
            return null;
        }

        var fields = Properties(item, path, problems);
        foreach (var field in fields.Keys)
        {
            if (field is not ("name" or "type"))
            {
                problems.Add($"{path}.{field}", "unknown property; only 'name' and 'type' are allowed");
            }
        }

        string? columnName = null;
        if (fields.TryGetValue("name", out var nameValue) && nameValue.ValueKind == JsonValueKind.String)
        {
            columnName = nameValue.GetString();
        }
        else
        {
            problems.Add($"{path}.name", "is required and must be a string");
        }

        ColumnType? type = null;
        if (fields.TryGetValue("type", out var typeValue))
        {
            type = ReadType(typeValue, $"{path}.type", problems);
        }
        else
        {
            problems.Add($"{path}.type", "is required");
        }

        return columnName is null || type is null ? null : new ColumnSpec(columnName, type.Value);
    }
}
