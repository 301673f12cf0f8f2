using Keel.ML.Training;
using YamlDotNet.RepresentationModel;

namespace Keel.ML.Pipeline;

// The modeller's options: target transform, date parts, class weights, importance.
public static partial class PipelineParser
{
    private static TargetTransform ReadTargetTransform(YamlReader reader, YamlMappingNode data, MLTask? task)
    {
        var text = reader.String(data, "target_transform", "data", required: false);
        if (text is null)
        {
            return TargetTransform.None;
        }

        TargetTransform? transform = text switch
        {
            "none" => TargetTransform.None,
            "log" => TargetTransform.Log,
            "log1p" => TargetTransform.Log1p,
            _ => null,
        };
        var node = YamlReader.Get(data, "target_transform");
        if (transform is null)
        {
            reader.Problems.Add(node, "data.target_transform", "expected none, log or log1p");
            return TargetTransform.None;
        }

        if (transform != TargetTransform.None && task is not null and not MLTask.Regression)
        {
            reader.Problems.Add(node, "data.target_transform", "expected only with task: regression (a class label has no logarithm)");
        }

        return transform.Value;
    }

    private static Dictionary<string, IReadOnlyList<string>> ReadDateParts(YamlReader reader, YamlMappingNode data)
    {
        var result = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        if (reader.Map(data, "date_parts", "data", required: false) is not { } map)
        {
            return result;
        }

        var known = FeatureColumn.DateTimeParts;
        foreach (var (key, value) in map.Children)
        {
            var column = (key as YamlScalarNode)?.Value ?? string.Empty;
            var path = "data.date_parts." + column;
            if (value is not YamlSequenceNode list || list.Children.Count == 0)
            {
                reader.Problems.Add(value, path, $"expected a non-empty list of parts from {string.Join(", ", known)}");
                continue;
            }

            var parts = new List<string>();
            foreach (var item in list.Children)
            {
                var part = (item as YamlScalarNode)?.Value;
                if (part is null || !known.Contains(part))
                {
                    reader.Problems.Add(item, path, $"unknown part '{part}'; expected one of {string.Join(", ", known)}");
                }
                else if (parts.Contains(part))
                {
                    reader.Problems.Add(item, path, $"'{part}' is listed twice");
                }
                else
                {
                    parts.Add(part);
                }
            }

            // Kept in the fixed part order, so the feature vector does not depend on how the list was written.
            result[column] = known.Where(parts.Contains).ToArray();
        }

        return result;
    }

    private static List<DerivedColumn> ReadDerived(YamlReader reader, YamlMappingNode data)
    {
        var result = new List<DerivedColumn>();
        if (reader.Map(data, "derived", "data", required: false) is not { } map)
        {
            return result;
        }

        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            var path = "data.derived." + name;
            if (value is not YamlScalarNode { Value: { Length: > 0 } text })
            {
                reader.Problems.Add(value, path, "expected an expression, e.g. Debt / Income or log1p(Amount)");
                continue;
            }

            if (DerivedColumn.TryParse(name, text, out var error) is { } column)
            {
                result.Add(column);
            }
            else
            {
                reader.Problems.Add(value, path, $"{error} (grammar: numbers, columns, + - * /, parentheses, {string.Join(", ", DerivedColumn.Functions)})");
            }
        }

        return result;
    }

    private static ClassWeights? ReadClassWeights(YamlReader reader, YamlMappingNode trainer, MLTask? task)
    {
        var node = YamlReader.Get(trainer, "class_weights");
        if (node is null)
        {
            return null;
        }

        if (task == MLTask.Regression)
        {
            reader.Problems.Add(node, "trainer.class_weights", "expected only with task: binary or multiclass");
            return null;
        }

        if (node is YamlScalarNode { Value: "balanced" })
        {
            return new ClassWeights(true, new Dictionary<string, double>());
        }

        if (node is not YamlMappingNode map)
        {
            reader.Problems.Add(node, "trainer.class_weights", "expected balanced, or a mapping of class name to weight (e.g. {bad: 3, good: 1})");
            return null;
        }

        var weights = new SortedDictionary<string, double>(StringComparer.Ordinal);
        foreach (var (key, value) in map.Children)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            var path = "trainer.class_weights." + name;
            if (reader.Number(value, path) is not { } weight)
            {
                continue;
            }

            if (!(weight > 0) || !double.IsFinite(weight))
            {
                reader.Problems.Add(value, path, "expected a weight above 0");
                continue;
            }

            weights[name] = weight;
        }

        if (map.Children.Count == 0)
        {
            reader.Problems.Add(map, "trainer.class_weights", "expected at least one class");
        }

        return new ClassWeights(false, weights);
    }

    private static ImportanceMethod ReadImportance(YamlReader reader, YamlMappingNode root)
    {
        var node = YamlReader.Get(root, "importance");
        switch (node)
        {
            case null:
                return ImportanceMethod.Permutation;
            case YamlScalarNode { Value: "permutation" }:
                return ImportanceMethod.Permutation;
            case YamlScalarNode { Value: "false" or "none" }:
                return ImportanceMethod.None;
            default:
                reader.Problems.Add(node, "importance", "expected permutation or false");
                return ImportanceMethod.Permutation;
        }
    }

    /// <summary><c>monitoring: {reference_rows: N}</c>: the reference sample's size, 0 for none.</summary>
    private static int ReadReferenceRows(YamlReader reader, YamlMappingNode root)
    {
        var map = reader.Map(root, "monitoring", string.Empty, required: false);
        if (map is null)
        {
            return Keel.Core.Models.ReferenceSampleFiles.DefaultRows;
        }

        reader.CheckKeys(map, "monitoring", "reference_rows");
        var rows = reader.Integer(map, "reference_rows", "monitoring");
        if (rows is < 0 or > Keel.Core.Models.ReferenceSampleFiles.MaxRows)
        {
            reader.Problems.Add(YamlReader.Get(map, "reference_rows"), "monitoring.reference_rows", $"expected a whole number from 0 (no reference sample) to {Keel.Core.Models.ReferenceSampleFiles.MaxRows}");
        }

        return rows ?? Keel.Core.Models.ReferenceSampleFiles.DefaultRows;
    }
}
