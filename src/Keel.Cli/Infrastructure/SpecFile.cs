using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Json;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// Reads a declarative spec file (a deployment, a monitor): YAML (<c>.yaml</c>, <c>.yml</c>) or
/// JSON, with the REST API's snake_case field names. YAML becomes the same JSON the API takes, so
/// both meet one parser and one validator (unknown fields are refused, not ignored). A key may
/// appear once per mapping.
/// </summary>
/// <param name="kind">What the file holds, for messages (<c>deployment spec</c>).</param>
/// <param name="textKeys">Keys whose plain scalars stay strings (<c>version: 2</c> is the version "2").</param>
/// <param name="emptyObjectKeys">Keys whose empty value means an empty object (<c>- pause:</c> as in Argo Rollouts).</param>
internal sealed class SpecFile(string kind, IReadOnlySet<string> textKeys, IReadOnlySet<string>? emptyObjectKeys = null)
{
    /// <summary>Reads and deserialises <paramref name="path"/>.</summary>
    /// <exception cref="UsageException">The file is missing, not YAML/JSON, or not a <typeparamref name="T"/>.</exception>
    public T Read<T>(string path)
        where T : class
    {
        if (!File.Exists(path))
        {
            throw new UsageException($"Spec file '{path}' does not exist.");
        }

        var text = File.ReadAllText(path);
        var json = Path.GetExtension(path).ToLowerInvariant() is ".json" ? text : YamlToJson(text, path);
        try
        {
            return JsonSerializer.Deserialize<T>(json, KeelJson.Options)
                ?? throw new UsageException($"Spec file '{path}' is empty.");
        }
        catch (JsonException e)
        {
            var where = e.Path is { Length: > 1 } p ? $" at '{p.TrimStart('$', '.')}'" : string.Empty;
            throw new UsageException($"Spec file '{path}' is not a {kind}{where}: {e.Message.Split(". ")[0]}.");
        }
    }

    private string YamlToJson(string text, string path)
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

    private JsonNode? Convert(YamlNode node, string? key) => node switch
    {
        YamlMappingNode map => Mapping(map),
        YamlSequenceNode seq => new JsonArray([.. seq.Children.Select(c => Convert(c, null))]),
        YamlScalarNode scalar => Scalar(scalar, key),
        _ => null,
    };

    private JsonObject Mapping(YamlMappingNode map)
    {
        var obj = new JsonObject();
        foreach (var (k, v) in map.Children)
        {
            var name = k is YamlScalarNode { Value: { } text } ? text : throw new UsageException($"A key of the spec file is not a plain name (line {k.Start.Line}).");
            if (obj.ContainsKey(name))
            {
                throw new UsageException($"Key '{name}' appears twice in one mapping of the spec file (line {k.Start.Line}).");
            }

            var value = Convert(v, name);
            obj[name] = value is null && emptyObjectKeys is not null && emptyObjectKeys.Contains(name) ? new JsonObject() : value;
        }

        return obj;
    }

    private JsonNode? Scalar(YamlScalarNode scalar, string? key)
    {
        var value = scalar.Value ?? string.Empty;
        if (scalar.Style is not (ScalarStyle.Plain or ScalarStyle.Any) || (key is not null && textKeys.Contains(key)))
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
