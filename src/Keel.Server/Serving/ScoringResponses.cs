using System.Buffers;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Json;
using Keel.ML.Packaging;
using Keel.Server.Infrastructure;

namespace Keel.Server.Serving;

/// <summary>The JSON answers of the serving endpoints.</summary>
internal static class ScoringResponses
{
    /// <summary>
    /// MLflow's <c>{"predictions": [...]}</c>: regression, one number per row; classification, one
    /// object per row with <c>predicted_label</c> and <c>probability</c> (binary: of the positive class;
    /// multiclass: of the predicted class).
    /// </summary>
    public static IResult Predictions(IReadOnlyList<ModelPrediction> predictions) => new PredictionsResult(predictions, []);

    /// <summary>As <see cref="Predictions(IReadOnlyList{ModelPrediction})"/>; a prediction with every class's probability also gets <c>"probabilities": {class: p, ...}</c> unless <paramref name="classes"/> is empty (not asked for).</summary>
    public static IResult Predictions(IReadOnlyList<ModelPrediction> predictions, IReadOnlyList<string> classes) => new PredictionsResult(predictions, classes);

    /// <summary>
    /// Writes the predictions straight to UTF-8 with <see cref="Utf8JsonWriter"/> (no JSON nodes,
    /// no UTF-16 string), with a Content-Length. Non-finite numbers are written as the strings
    /// <c>"NaN"</c>, <c>"Infinity"</c>, <c>"-Infinity"</c>, as everywhere in Keel's JSON.
    /// </summary>
    private sealed class PredictionsResult(IReadOnlyList<ModelPrediction> predictions, IReadOnlyList<string> classes) : IResult
    {
        private static readonly JsonWriterOptions Options = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

        public Task ExecuteAsync(HttpContext httpContext)
        {
            var buffer = new ArrayBufferWriter<byte>(32 + (predictions.Count * 48));
            using (var writer = new Utf8JsonWriter(buffer, Options))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("predictions");
                foreach (var p in predictions)
                {
                    if (p.Label is null)
                    {
                        Number(writer, p.Value);
                        continue;
                    }

                    writer.WriteStartObject();
                    writer.WriteString("predicted_label", p.Label);
                    writer.WritePropertyName("probability");
                    Number(writer, p.Probability);
                    if (p.Probabilities is { } all && classes.Count > 0)
                    {
                        writer.WriteStartObject("probabilities");
                        for (var c = 0; c < all.Length && c < classes.Count; c++)
                        {
                            writer.WritePropertyName(classes[c]);
                            Number(writer, all[c]);
                        }

                        writer.WriteEndObject();
                    }

                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
                writer.WriteEndObject();
            }

            var response = httpContext.Response;
            response.ContentType = "application/json";
            response.ContentLength = buffer.WrittenCount;
            return response.Body.WriteAsync(buffer.WrittenMemory, httpContext.RequestAborted).AsTask();
        }

        private static void Number(Utf8JsonWriter writer, double? value)
        {
            switch (value)
            {
                case null:
                    writer.WriteNullValue();
                    break;
                case { } v when double.IsFinite(v):
                    writer.WriteNumberValue(v);
                    break;
                case { } v:
                    writer.WriteStringValue(double.IsNaN(v) ? "NaN" : v > 0 ? "Infinity" : "-Infinity");
                    break;
            }
        }
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

    /// <summary>A JSON answer; an error's (status 400 and up) with <c>&lt; &gt; &amp;</c> escaped, as it may quote the request (<see cref="ErrorJson"/>).</summary>
    public static IResult Json(JsonNode node, int status = 200) =>
        Results.Content(status >= 400 ? ErrorJson.HtmlSafe(node.ToJsonString(KeelJson.Options)) : node.ToJsonString(KeelJson.Options), "application/json", statusCode: status);

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
