using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Cli.Infrastructure;
using Keel.Core.Deployments;
using Keel.Core.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Cli.Deploy;

/// <summary>
/// Reads a deployment spec file: YAML (<c>.yaml</c>, <c>.yml</c>) or JSON, with the REST API's
/// snake_case field names. YAML is turned into the same JSON the API takes, so both meet one
/// parser and one validator (unknown fields are refused, not ignored).
/// </summary>
internal static class DeploySpecFile
{
    // Plain YAML scalars under these keys stay strings (version: 2 is the version "2").
    private static readonly HashSet<string> TextKeys = new(StringComparer.Ordinal)
    {
        "name", "model", "version", "strategy", "alias", "stage", "header", "column", "duration", "method", "metric",
    };

    public static DeploymentSpec Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"Spec file '{path}' does not exist.");
        }

        var text = File.ReadAllText(path);
        var json = Path.GetExtension(path).ToLowerInvariant() is ".json" ? text : YamlToJson(text, path);
        try
        {
            return JsonSerializer.Deserialize<DeploymentSpec>(json, KeelJson.Options)
                ?? throw new UsageException($"Spec file '{path}' is empty.");
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } p ? $" at '{p.TrimStart('$', '.')}'" : string.Empty;
            throw new UsageException($"Spec file '{path}' is not a deployment spec{where}: {e.Message.Split(". ")[0]}.");
        }
    }

    private static string YamlToJson(string text, string path)
    {
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new UsageException($"Spec file '{path}' is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.Message}");
        }

        if (stream.Documents.Count != 1)
        {
            throw new UsageException($"Spec file '{path}' must hold one YAML document; it holds {stream.Documents.Count}.");
        }

        return Convert(stream.Documents[0].RootNode, null)?.ToJsonString() ?? "null";
    }

    private static JsonNode? Convert(YamlNode node, string? key) => node switch
    {
        YamlMappingNode map => Mapping(map),
        YamlSequenceNode seq => new JsonArray(seq.Children.Select(c => Convert(c, null)).ToArray()),
        YamlScalarNode scalar => Scalar(scalar, key),
        _ => null,
    };

    private static JsonObject Mapping(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in map.Children)
        {
            var name = ((YamlScalarNode)k).Value ?? string.Empty;
            var value = Convert(v, name);
            // "- pause:" and "- analysis:" with nothing after them mean an empty step, as in Argo Rollouts.
            obj[name] = value is null && name is "pause" or "analysis" ? new JsonObject() : value;
        }

        return obj;
    }

    private static JsonNode? Scalar(YamlScalarNode scalar, string? key)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || (key is not null && TextKeys.Contains(key)))
        {
            return JsonValue.Create(value);
        }

        return value switch
        {
            "" or "~" or "null" or "Null" or "NULL" => null,
            "true" or "True" or "TRUE" => JsonValue.Create(true),
            "false" or "False" or "FALSE" => JsonValue.Create(false),
            _ when long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l) => JsonValue.Create(l),
            _ when double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => JsonValue.Create(d),
            _ => JsonValue.Create(value),
        };
    }
}
