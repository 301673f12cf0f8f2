namespace Keel.Core.Models;

/// <summary>
/// The semantic rules of <see cref="ModelMetadata"/>: required text present and bounded, names
/// non-empty and unique, numbers finite, sizes bounded. Used before writing and after reading.
/// </summary>
internal static class ModelMetadataValidator
{
    public static void Collect(ModelMetadata metadata, PackageProblems problems)
    {
        if (metadata.FormatVersion != ModelMetadata.CurrentFormatVersion)
        {
            problems.Add("format_version", $"unsupported format version {metadata.FormatVersion}; this Keel reads version {ModelMetadata.CurrentFormatVersion}");
        }

        Text(problems, "keel_version", metadata.KeelVersion, ModelPackageLimits.MaxNameLength);
        Text(problems, "id", metadata.Id, ModelPackageLimits.MaxNameLength);
        Text(problems, "name", metadata.Name, ModelPackageLimits.MaxNameLength);
        Text(problems, "version", metadata.Version, ModelPackageLimits.MaxNameLength);
        Text(problems, "algorithm", metadata.Algorithm, ModelPackageLimits.MaxNameLength);
        Text(problems, "framework", metadata.Framework, ModelPackageLimits.MaxNameLength);
        Text(problems, "created_by", metadata.CreatedBy, ModelPackageLimits.MaxNameLength);
        if (metadata.TrainingDataHash is not null)
        {
            Text(problems, "training_data_hash", metadata.TrainingDataHash, ModelPackageLimits.MaxNameLength);
        }

        if (!Enum.IsDefined(metadata.Stage))
        {
            problems.Add("stage", "must be one of development, staging, production, archived");
        }

        Scalars(problems, "hyperparameters", metadata.Hyperparameters);
        Numbers(problems, "training_metrics", metadata.TrainingMetrics);
        Numbers(problems, "validation_metrics", metadata.ValidationMetrics);
        Scalars(problems, "deployment_config", metadata.DeploymentConfig);
        Scalars(problems, "resource_requirements", metadata.ResourceRequirements);
        Numbers(problems, "performance_thresholds", metadata.PerformanceThresholds);
        Dependencies(problems, metadata.Dependencies);
        DataSchema(problems, metadata.DataSchema);
        Signature(problems, metadata.Signature);
    }

    public static string? NameProblem(string? name)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            return "must not be empty";
        }

        if (name.Length > ModelPackageLimits.MaxNameLength)
        {
            return $"is longer than {ModelPackageLimits.MaxNameLength} characters";
        }

        return name.Any(char.IsControl) ? "must not contain control characters" : null;
    }

    private static void Text(PackageProblems problems, string field, string? value, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            problems.Add(field, "is required and must not be empty");
        }
        else if (value.Length > maxLength)
        {
            problems.Add(field, $"is longer than {maxLength} characters");
        }
        else if (value.Any(char.IsControl))
        {
            problems.Add(field, "must not contain control characters");
        }
    }

    private static bool Count(PackageProblems problems, string field, int count)
    {
        if (count <= ModelPackageLimits.MaxEntries)
        {
            return true;
        }

        problems.Add(field, $"has {count} entries; at most {ModelPackageLimits.MaxEntries} are allowed");
        return false;
    }

    private static void Keys<T>(PackageProblems problems, string field, IReadOnlyDictionary<string, T>? map, Action<string, T> check)
    {
        if (map is null)
        {
            problems.Add(field, "must be an object");
            return;
        }

        if (!Count(problems, field, map.Count))
        {
            return;
        }

        foreach (var (key, value) in map)
        {
            var keyProblem = NameProblem(key);
            if (keyProblem is not null)
            {
                problems.Add($"{field}[{Quote(key)}]", $"key {keyProblem}");
                continue;
            }

            check($"{field}[{Quote(key)}]", value);
        }
    }

    private static void Scalars(PackageProblems problems, string field, IReadOnlyDictionary<string, ScalarValue>? map) =>
        Keys(problems, field, map, (path, value) =>
        {
            if (value.Kind == ScalarKind.Number && !double.IsFinite(value.AsNumber))
            {
                problems.Add(path, "must be a finite number");
            }
            else if (value.Kind == ScalarKind.String && value.AsString.Length > ModelPackageLimits.MaxTextLength)
            {
                problems.Add(path, $"is longer than {ModelPackageLimits.MaxTextLength} characters");
            }
        });

    private static void Numbers(PackageProblems problems, string field, IReadOnlyDictionary<string, double>? map) =>
        Keys(problems, field, map, (path, value) =>
        {
            if (!double.IsFinite(value))
            {
                problems.Add(path, "must be a finite number");
            }
        });

    private static void DataSchema(PackageProblems problems, IReadOnlyDictionary<string, ColumnType>? map) =>
        Keys(problems, "data_schema", map, (path, value) =>
        {
            if (!Enum.IsDefined(value))
            {
                problems.Add(path, $"type must be one of {ColumnTypes.AllNames}");
            }
        });

    private static void Dependencies(PackageProblems problems, IReadOnlyList<string>? dependencies)
    {
        if (dependencies is null)
        {
            problems.Add("dependencies", "must be a list");
            return;
        }

        if (!Count(problems, "dependencies", dependencies.Count))
        {
            return;
        }

        for (var i = 0; i < dependencies.Count; i++)
        {
            Text(problems, $"dependencies[{i}]", dependencies[i], ModelPackageLimits.MaxNameLength);
        }
    }

    private static void Signature(PackageProblems problems, ModelSignature? signature)
    {
        if (signature is null)
        {
            problems.Add("signature", "is required");
            return;
        }

        Columns(problems, "signature.inputs", signature.Inputs);
        Columns(problems, "signature.outputs", signature.Outputs);
    }

    private static void Columns(PackageProblems problems, string field, IReadOnlyList<ColumnSpec>? columns)
    {
        if (columns is null || columns.Count == 0)
        {
            problems.Add(field, "must list at least one column");
            return;
        }

        if (!Count(problems, field, columns.Count))
        {
            return;
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < columns.Count; i++)
        {
            var column = columns[i];
            if (column is null)
            {
                problems.Add($"{field}[{i}]", "must be a column");
                continue;
            }

            var nameProblem = NameProblem(column.Name);
            if (nameProblem is not null)
            {
                problems.Add($"{field}[{i}].name", nameProblem);
            }
            else if (!seen.Add(column.Name))
            {
                problems.Add($"{field}[{i}].name", $"duplicate column name '{column.Name}'");
            }

            if (!Enum.IsDefined(column.Type))
            {
                problems.Add($"{field}[{i}].type", $"must be one of {ColumnTypes.AllNames}");
            }
        }
    }

    private static string Quote(string key) => key.Length > 64 ? "'" + key[..64] + "...'" : "'" + key + "'";
}
