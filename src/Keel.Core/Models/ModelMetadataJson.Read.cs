using System.Text.Json;
using Keel.Core.Registry;

namespace Keel.Core.Models;

internal static partial class ModelMetadataJson
{
    private static readonly HashSet<string> RootProperties = new(StringComparer.Ordinal)
    {
        "format_version", "keel_version", "id", "name", "version", "algorithm", "framework",
        "created_at", "created_by", "stage", "training_data_hash", "hyperparameters",
        "training_metrics", "validation_metrics", "deployment_config", "resource_requirements",
        "dependencies", "performance_thresholds", "data_schema", "signature",
    };

    private static readonly HashSet<string> RequiredProperties = new(StringComparer.Ordinal)
    {
        "format_version", "keel_version", "id", "name", "version", "algorithm", "framework",
        "created_at", "created_by", "signature",
    };

    /// <summary>
    /// Maps a parsed <c>keel-model.json</c> onto <see cref="ModelMetadata"/>, recording every
    /// problem. Returns null when the document is not an object at all.
    /// </summary>
    public static ModelMetadata? Read(JsonElement root, PackageProblems problems)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            problems.Add("keel-model.json", "must hold a JSON object");
            return null;
        }

        var properties = Properties(root, "keel-model.json", problems);
        var formatVersion = ModelMetadata.CurrentFormatVersion;

        // The version decides how to read everything else: check it first, and read nothing of a
        // format this Keel does not know.
        if (properties.TryGetValue("format_version", out var format))
        {
            if (format.ValueKind != JsonValueKind.Number || !format.TryGetInt32(out formatVersion))
            {
                problems.Add("format_version", "must be an integer");
            }
            else if (formatVersion != ModelMetadata.CurrentFormatVersion)
            {
                // A newer format may mean anything; refuse it whole rather than half-read it.
                problems.Add("format_version", $"unsupported format version {formatVersion}; this Keel reads version {ModelMetadata.CurrentFormatVersion}");
                return null;
            }
        }

        foreach (var name in properties.Keys)
        {
            if (!RootProperties.Contains(name))
            {
                problems.Add(name, "unknown property; type names and other extra fields are not allowed");
            }
        }

        foreach (var name in RequiredProperties)
        {
            if (!properties.ContainsKey(name))
            {
                problems.Add(name, "is required");
            }
        }

        var metadata = new ModelMetadata
        {
            FormatVersion = formatVersion,
            KeelVersion = String(properties, "keel_version", problems) ?? string.Empty,
            Id = String(properties, "id", problems) ?? string.Empty,
            Name = String(properties, "name", problems) ?? string.Empty,
            Version = String(properties, "version", problems) ?? string.Empty,
            Algorithm = String(properties, "algorithm", problems) ?? string.Empty,
            Framework = String(properties, "framework", problems) ?? string.Empty,
            CreatedAt = Timestamp(properties, "created_at", problems),
            CreatedBy = String(properties, "created_by", problems) ?? string.Empty,
            Stage = Stage(properties, problems),
            TrainingDataHash = String(properties, "training_data_hash", problems),
            Hyperparameters = Map(properties, "hyperparameters", problems, ReadScalar),
            TrainingMetrics = Map(properties, "training_metrics", problems, ReadNumber),
            ValidationMetrics = Map(properties, "validation_metrics", problems, ReadNumber),
            DeploymentConfig = Map(properties, "deployment_config", problems, ReadScalar),
            ResourceRequirements = Map(properties, "resource_requirements", problems, ReadScalar),
            Dependencies = Strings(properties, "dependencies", problems),
            PerformanceThresholds = Map(properties, "performance_thresholds", problems, ReadNumber),
            DataSchema = Map(properties, "data_schema", problems, ReadType),
            Signature = Signature(properties, problems),
        };
        return metadata;
    }

    private static Dictionary<string, JsonElement> Properties(JsonElement obj, string path, PackageProblems problems)
    {
        var result = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var property in obj.EnumerateObject())
        {
            // JSON parsers disagree on which duplicate wins; refuse the ambiguity.
            if (!result.TryAdd(property.Name, property.Value))
            {
                problems.Add($"{path}.{property.Name}", "duplicate property");
            }
        }

        return result;
    }

    private static string? String(Dictionary<string, JsonElement> properties, string name, PackageProblems problems)
    {
        if (!properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            problems.Add(name, "must be a string");
            return null;
        }

        return value.GetString();
    }

    private static DateTimeOffset Timestamp(Dictionary<string, JsonElement> properties, string name, PackageProblems problems)
    {
        if (!properties.TryGetValue(name, out var value))
        {
            return default;
        }

        if (value.ValueKind != JsonValueKind.String || !value.TryGetDateTimeOffset(out var timestamp))
        {
            problems.Add(name, "must be an ISO 8601 date and time, e.g. 2026-11-26T18:00:00+00:00");
            return default;
        }

        return timestamp;
    }

    private static ModelStage Stage(Dictionary<string, JsonElement> properties, PackageProblems problems)
    {
        if (!properties.TryGetValue("stage", out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return ModelStage.Development;
        }

        if (value.ValueKind != JsonValueKind.String || !ModelStages.TryParse(value.GetString(), out var stage))
        {
            problems.Add("stage", "must be one of development, staging, production, archived");
            return ModelStage.Development;
        }

        return stage;
    }

    private static Dictionary<string, T> Map<T>(
        Dictionary<string, JsonElement> properties,
        string name,
        PackageProblems problems,
        Func<JsonElement, string, PackageProblems, T?> read)
        where T : struct
    {
        var result = new Dictionary<string, T>(StringComparer.Ordinal);
        if (!properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (value.ValueKind != JsonValueKind.Object)
        {
            problems.Add(name, "must be a JSON object");
            return result;
        }

        foreach (var (key, entry) in Properties(value, name, problems))
        {
            var item = read(entry, $"{name}['{key}']", problems);
            if (item is not null)
            {
                result[key] = item.Value;
            }
        }

        return result;
    }

    private static ScalarValue? ReadScalar(JsonElement value, string path, PackageProblems problems)
    {
        switch (value.ValueKind)
        {
            case JsonValueKind.String:
                return ScalarValue.FromString(value.GetString()!);
            case JsonValueKind.Number:
                return ScalarValue.FromNumber(value.GetDouble());
            case JsonValueKind.True:
                return ScalarValue.FromBoolean(true);
            case JsonValueKind.False:
                return ScalarValue.FromBoolean(false);
            default:
                problems.Add(path, "must be a string, a number or a boolean (objects, arrays and null are not allowed)");
                return null;
        }
    }

    private static double? ReadNumber(JsonElement value, string path, PackageProblems problems)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            problems.Add(path, "must be a number");
            return null;
        }

        return value.GetDouble();
    }

    private static ColumnType? ReadType(JsonElement value, string path, PackageProblems problems)
    {
        if (value.ValueKind == JsonValueKind.String && ColumnTypes.TryParse(value.GetString(), out var type))
        {
            return type;
        }

        problems.Add(path, $"type must be one of {ColumnTypes.AllNames}");
        return null;
    }

    private static List<string> Strings(Dictionary<string, JsonElement> properties, string name, PackageProblems problems)
    {
        var result = new List<string>();
        if (!properties.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return result;
        }

        if (value.ValueKind != JsonValueKind.Array)
        {
            problems.Add(name, "must be a list of strings");
            return result;
        }

        var index = 0;
        foreach (var item in value.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.String)
            {
                result.Add(item.GetString()!);
            }
            else
            {
                problems.Add($"{name}[{index}]", "must be a string");
            }

            index++;
        }

        return result;
    }
}
