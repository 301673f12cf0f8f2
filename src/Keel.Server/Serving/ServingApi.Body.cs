using System.Text.Json;

namespace Keel.Server.Serving;

// The /invocations body read once and parsed per model: a deployment reads a request once and
// parses it for whichever arm answers (and again for its shadow copy).
internal static partial class ServingApi
{
    /// <summary>
    /// Reads an MLflow <c>/invocations</c> body: JSON (checked as <see cref="ReadJsonAsync"/> does)
    /// or CSV text (strict UTF-8); any other media type gives the 415 answer in
    /// <see cref="InvocationBody.Unsupported"/> without reading.
    /// </summary>
    public static async Task<InvocationBody> ReadInvocationAsync(HttpRequest request)
    {
        var mediaType = (request.ContentType ?? string.Empty).Split(';', 2)[0].Trim().ToLowerInvariant();
        switch (mediaType)
        {
            case "application/json":
                var json = await ReadJsonAsync(request).ConfigureAwait(false);
                return new InvocationBody(json, null, ScoringInput.WantsProbabilities(json, "params"), null);
            case "text/csv":
                return new InvocationBody(default, await ReadCsvTextAsync(request).ConfigureAwait(false), false, null);
            default:
                return new InvocationBody(default, null, false, Unsupported(mediaType));
        }
    }

    /// <summary>The rows of a read body for <paramref name="model"/>'s signature (shape problems BAD_REQUEST, too many rows REQUEST_TOO_LARGE).</summary>
    public static List<IReadOnlyDictionary<string, JsonElement>> ParseInvocation(InvocationBody body, ServedModel model, ScoringOptions options) =>
        body.Csv is { } csv
            ? ScoringInput.ParseCsv(csv, model.Signature.Inputs, options, model.Scorer.Task.Missing)
            : ScoringInput.ParseMlflow(body.Json, model.Signature.Inputs, limits: options);
}

/// <summary>An <c>/invocations</c> body as read: JSON or CSV text, or the answer for a media type it cannot be.</summary>
/// <param name="Json">The JSON body (default for CSV).</param>
/// <param name="Csv">The CSV text; null for JSON.</param>
/// <param name="WithProbabilities">Whether <c>params.predict_method</c> asks for every class's probability.</param>
/// <param name="Unsupported">The 415 answer for another media type; null otherwise.</param>
internal readonly record struct InvocationBody(JsonElement Json, string? Csv, bool WithProbabilities, IResult? Unsupported);
