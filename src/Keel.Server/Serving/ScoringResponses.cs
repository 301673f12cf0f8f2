using System.Text.Json.Nodes;
using Keel.Core.Json;
using Keel.ML.Packaging;

namespace Keel.Server.Serving;

/// <summary>The JSON answers of the serving endpoints.</summary>
internal static class ScoringResponses
{
    /// <summary>
    /// MLflow's <c>{"predictions": [...]}</c>: regression, one number per row; classification, one
    /// object per row with <c>predicted_label</c> and <c>probability</c> (binary: of the positive class;
    /// multiclass: of the predicted class).
    /// </summary>
    public static IResult Predictions(IReadOnlyList<ModelPrediction> predictions)
    {
        var array = new JsonArray();
        foreach (var p in predictions)
        {
            array.Add(p.Label is null
                ? JsonValue.Create(p.Value)
                : new JsonObject { ["predicted_label"] = p.Label, ["probability"] = p.Probability });
        }

        return Json(new JsonObject { ["predictions"] = array });
    }

    /// <summary>A served model as the admin API lists it.</summary>
    public static JsonObject Describe(ServedModel model) => new()
    {
        ["name"] = model.Name,
        ["version"] = model.Version,
        ["model_uri"] = model.ModelUri,
        ["ready"] = model.Ready,
        ["algorithm"] = model.Scorer.Metadata.Algorithm,
        ["task"] = model.Scorer.Task.Task.ToString().ToLowerInvariant(),
        ["inputs"] = Columns(model.Signature.Inputs),
        ["outputs"] = Columns(model.Signature.Outputs),
        ["generation"] = model.Generation,
        ["engine_pool_size"] = model.EnginePoolSize,
        ["follows"] = model.Status?.Follows ?? false,
        ["load_count"] = model.Status?.LoadCount ?? 0,
        ["load_failures"] = model.Status?.LoadFailureCount ?? 0,
        ["last_error"] = model.Status?.LastError is { } error
            ? new JsonObject { ["message"] = error.Message, ["timestamp"] = error.At.ToUnixTimeMilliseconds() }
            : null,
    };

    public static IResult Json(JsonNode node, int status = 200) =>
        Results.Content(node.ToJsonString(KeelJson.Options), "application/json", statusCode: status);

    private static JsonArray Columns(IReadOnlyList<Keel.Core.Models.ColumnSpec> columns)
    {
        var array = new JsonArray();
        foreach (var c in columns)
        {
            array.Add(new JsonObject { ["name"] = c.Name, ["type"] = c.Type.ToString().ToLowerInvariant() });
        }

        return array;
    }
}
