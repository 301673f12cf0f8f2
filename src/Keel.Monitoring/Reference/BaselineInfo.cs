using System.Text.Json;
using System.Text.Json.Serialization;
using Keel.Core.Errors;
using Keel.Core.Json;

namespace Keel.Monitoring.Reference;

/// <summary>What <c>baseline.json</c> records beside a baseline's files.</summary>
/// <param name="Model">The registered model.</param>
/// <param name="Version">The version.</param>
/// <param name="Source">The file the baseline was read from, as the user named it (its file name).</param>
/// <param name="Rows">Rows kept.</param>
/// <param name="Predictions">Whether the file also held the model's predictions (<c>prediction</c>, <c>probability</c>).</param>
/// <param name="CreatedAtMs">When it was set, Unix milliseconds.</param>
/// <param name="User">Who set it.</param>
public sealed record BaselineInfo(
    [property: JsonPropertyName("model")] string Model,
    [property: JsonPropertyName("version")] string Version,
    [property: JsonPropertyName("source")] string Source,
    [property: JsonPropertyName("rows")] int Rows,
    [property: JsonPropertyName("predictions")] bool Predictions,
    [property: JsonPropertyName("created_at_ms")] long CreatedAtMs,
    [property: JsonPropertyName("user")] string User)
{
    /// <summary>Rows of the labelled calibration reference written beside it (<c>keel monitor baseline --target</c>), 0 when none.</summary>
    /// <value>0.</value>
    [JsonPropertyName("labelled_rows")]
    public int LabelledRows { get; init; }

    /// <summary>Parses <c>baseline.json</c>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when malformed.</exception>
    public static BaselineInfo Parse(byte[] json)
    {
        try
        {
            return JsonSerializer.Deserialize<BaselineInfo>(json, KeelJson.Options) ?? throw new JsonException("empty");
        }
        catch (JsonException error)
        {
            throw KeelException.InvalidParameter($"Invalid baseline: {ModelBaselines.InfoFileName}: {error.Message}");
        }
    }

    /// <summary>The JSON text.</summary>
    public byte[] ToJson() => JsonSerializer.SerializeToUtf8Bytes(this, KeelJson.Options);
}
