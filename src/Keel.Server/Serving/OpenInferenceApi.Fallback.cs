using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Errors;

namespace Keel.Server.Serving;

// Names no served model has: the host's fallback (deployments) may answer them.
internal static partial class OpenInferenceApi
{
    /// <summary>
    /// For an unversioned request on a name no served model has, the answer of the host's
    /// <see cref="IOpenInferenceFallback"/> (a deployment of that name); null to answer as a served
    /// model does (a served model wins a name it shares with a deployment).
    /// </summary>
    private static async Task<IResult?> FallbackAsync(
        string name, string? version, ServedModelRegistry models, HttpContext context, Func<IOpenInferenceFallback, string, CancellationToken, Task<IResult?>> answer)
    {
        if (version is not null || models.TryGet(name, out _) || context.RequestServices.GetService<IOpenInferenceFallback>() is not { } fallback)
        {
            return null;
        }

        try
        {
            return await answer(fallback, name, context.RequestAborted).ConfigureAwait(false);
        }
        catch (KeelException e)
        {
            return Error(e);
        }
    }

    /// <summary>Open Inference's error answer, <c>{"error": "..."}</c> with the code's HTTP status.</summary>
    internal static IResult ErrorAnswer(KeelException e) => Error(e);

    /// <summary>OIP model metadata for a model answering under <paramref name="name"/>, listing <paramref name="versions"/>.</summary>
    internal static IResult Metadata(string name, ServedModel model, IEnumerable<string> versions)
    {
        var answer = new JsonObject
        {
            ["name"] = name,
            ["versions"] = new JsonArray(versions.Select(v => (JsonNode?)JsonValue.Create(v)).ToArray()),
            ["platform"] = "mlnet",
            ["inputs"] = TensorMetadata(model.Signature.Inputs),
            ["outputs"] = TensorMetadata(model.Signature.Outputs),
        };
        return ScoringResponses.Json(answer);
    }
}

/// <summary>A parsed Open Inference infer body.</summary>
/// <param name="Rows">The rows (column name to value).</param>
/// <param name="Id">The request's <c>id</c>, when given.</param>
/// <param name="WithProbabilities">Whether <c>parameters.predict_method</c> asks for every class's probability.</param>
internal sealed record InferRequest(List<IReadOnlyDictionary<string, JsonElement>> Rows, string? Id, bool WithProbabilities);

/// <summary>
/// Answers Open Inference requests (<c>/v2/models/{name}</c>, <c>/ready</c>, <c>/infer</c>) for a
/// name that no served model has, e.g. a deployment's. Each method returns null when it has no
/// such name either (then the served models' 404 answers).
/// </summary>
internal interface IOpenInferenceFallback
{
    /// <summary>Model metadata.</summary>
    Task<IResult?> MetadataAsync(string name, CancellationToken cancellationToken);

    /// <summary>Readiness: 200 when ready, 503 before.</summary>
    Task<IResult?> ReadyAsync(string name, CancellationToken cancellationToken);

    /// <summary>Scores an infer request.</summary>
    Task<IResult?> InferAsync(string name, HttpRequest request);
}
