using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Cli.Infrastructure;
using Keel.Core.Json;
using Keel.Core.Monitoring;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Cli.Monitor;

/// <summary>
/// Reads a monitor spec file: YAML (<c>.yaml</c>, <c>.yml</c>) or JSON, with the REST API's
/// snake_case field names. YAML becomes the same JSON <c>monitors/apply</c> takes, so both meet one
/// parser and one validator (unknown fields are refused, not ignored).
/// </summary>
internal static class MonitorSpecFile
{
    // Plain YAML scalars under these keys stay strings (a rule named 1, a model named 2024).
    private static readonly HashSet<string> TextKeys = new(StringComparer.Ordinal)
    {
        "model", "name", "kind", "severity", "deployment", "alias", "pipeline", "canary_deployment", "url", "secret_env", "format",
    };

    public static MonitorSpec Read(string path)
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"Spec file '{path}' does not exist.");
        }

        var text = File.ReadAllText(path);
        var json = Path.GetExtension(path).ToLowerInvariant() is ".json" ? text : YamlToJson(text, path);
        try
        {
            return JsonSerializer.Deserialize<MonitorSpec>(json, KeelJson.Options)
                ?? throw new UsageException($"Spec file '{path}' is empty.");
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } p ? $" at '{p.TrimStart('$', '.')}'" : string.Empty;
            throw new UsageException($"Spec file '{path}' is not a monitor spec{where}: {e.Message.Split(". ")[0]}.");
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
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(c => Convert(c, null))]),
        YamlScalarNode scalar => Scalar(scalar, key),
        _ => null,
    };

    private static JsonObject Mapping(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in map.Children)
        {
            var name = k is YamlScalarNode { Value: { } text } ? text : throw new UsageException($"A key of the spec file is not a plain name (line {k.Start.Line}).");
            if (obj.ContainsKey(name))
            {
                throw new UsageException($"Key '{name}' appears twice in one mapping of the spec file (line {k.Start.Line}).");
            }

            obj[name] = Convert(v, name);
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
