using System.Globalization;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.ML.Pipeline;

/// <summary>Typed reads from YAML mapping nodes that record a problem instead of throwing.</summary>
internal sealed class YamlReader(YamlProblems problems)
{
    public YamlProblems Problems { get; } = problems;

    public void CheckKeys(YamlMappingNode map, string path, params string[] allowed)
    {
        foreach (var key in map.Children.Keys)
        {
            var name = (key as YamlScalarNode)?.Value ?? string.Empty;
            if (Array.IndexOf(allowed, name) < 0)
            {
                Problems.Add(key, Join(path, name), $"unknown key; expected one of {string.Join(", ", allowed)}");
            }
        }
    }

    public static YamlNode? Get(YamlMappingNode map, string key)
    {
        foreach (var pair in map.Children)
        {
            if (pair.Key is YamlScalarNode scalar && scalar.Value == key)
            {
                return pair.Value;
            }
        }

        return null;
    }

    public YamlMappingNode? Map(YamlMappingNode parent, string key, string path, bool required)
    {
        var node = Get(parent, key);
        if (node is null)
        {
            if (required)
            {
                Problems.Add(parent, Join(path, key), "missing; expected a mapping");
            }

            return null;
        }

        if (node is YamlMappingNode map)
        {
            return map;
        }

        Problems.Add(node, Join(path, key), "expected a mapping (key: value lines)");
        return null;
    }

    public string? String(YamlMappingNode parent, string key, string path, bool required)
    {
        var node = Get(parent, key);
        if (node is null)
        {
            if (required)
            {
                Problems.Add(parent, Join(path, key), "missing; expected a non-empty string");
            }

            return null;
        }

        if (node is YamlScalarNode { Value: { Length: > 0 } value } && !IsNull(node))
        {
            return value;
        }

        Problems.Add(node, Join(path, key), "expected a non-empty string");
        return null;
    }

    public double? Number(YamlMappingNode parent, string key, string path) =>
        Get(parent, key) is { } node ? Number(node, Join(path, key)) : null;

    public double? Number(YamlNode node, string path)
    {
        if (node is YamlScalarNode { Value: { } text } scalar && scalar.Style is ScalarStyle.Plain or ScalarStyle.Any
            && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value))
        {
            return value;
        }

        Problems.Add(node, path, "expected a number");
        return null;
    }

    public int? Integer(YamlMappingNode parent, string key, string path)
    {
        var node = Get(parent, key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: { } text } && int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        Problems.Add(node, Join(path, key), "expected a whole number");
        return null;
    }

    public bool? Boolean(YamlMappingNode parent, string key, string path)
    {
        var node = Get(parent, key);
        if (node is null)
        {
            return null;
        }

        if (node is YamlScalarNode { Value: "true" or "false" } scalar)
        {
            return scalar.Value == "true";
        }

        Problems.Add(node, Join(path, key), "expected true or false");
        return null;
    }

    public List<string> Strings(YamlMappingNode parent, string key, string path)
    {
        var result = new List<string>();
        var node = Get(parent, key);
        if (node is null)
        {
            return result;
        }

        if (node is not YamlSequenceNode sequence)
        {
            Problems.Add(node, Join(path, key), "expected a list of column names, e.g. [a, b]");
            return result;
        }

        foreach (var item in sequence.Children)
        {
            if (item is YamlScalarNode { Value: { Length: > 0 } value })
            {
                result.Add(value);
            }
            else
            {
                Problems.Add(item, Join(path, key), "expected a column name");
            }
        }

        return result;
    }

    public static bool IsNull(YamlNode node) =>
        node is YamlScalarNode { Style: ScalarStyle.Plain, Value: "" or "~" or "null" or null };

    public static string Join(string path, string key) => path.Length == 0 ? key : path + "." + key;
}
