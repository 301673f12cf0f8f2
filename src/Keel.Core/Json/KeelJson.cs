using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Core.Json;

/// <summary>
/// The JSON conventions of MLflow's REST API: snake_case names, enums as UPPER_SNAKE strings,
/// NaN and infinities as the strings "NaN", "Infinity", "-Infinity" (protobuf JSON), numbers
/// accepted as strings (protobuf accepts int64 as strings), nulls left out.
/// </summary>
public static class KeelJson
{
    /// <summary>The shared options; do not mutate.</summary>
    public static JsonSerializerOptions Options { get; } = Create();

    private static JsonSerializerOptions Create()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
            DictionaryKeyPolicy = null,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowReadingFromString | JsonNumberHandling.AllowNamedFloatingPointLiterals,
            PropertyNameCaseInsensitive = false,
            AllowTrailingCommas = false,
            // API answers are application/json, never HTML; keep quotes readable as MLflow does.
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseUpper, allowIntegerValues: true));
        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
