using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Validation;
using Keel.Server.Infrastructure;

namespace Keel.Server.Serving;

/// <summary>
/// MLflow's scoring protocol per served model (<c>/serving/{name}/invocations</c>, <c>/ping</c>),
/// the Open Inference Protocol v2 (<c>/v2/...</c>) and Keel's admin API to load models for serving
/// (<c>/api/2.0/keel/serving/models</c>).
/// </summary>
internal static partial class ServingApi
{
    private const string AdminBase = "/api/2.0/keel/serving/models";

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>
    /// Registers the served-model registry (packages downloaded to this process's
    /// <see cref="ServingCache"/> under <paramref name="cacheParent"/>, stale caches of dead
    /// processes deleted) and the persistence that restores served models at start-up.
    /// </summary>
    public static IServiceCollection AddServing(this IServiceCollection services, string cacheParent) =>
        services.AddSingleton(_ => ServingCache.Claim(cacheParent))
            .AddSingleton(sp => new ServedModelRegistry(sp.GetRequiredService<ServingCache>().Path, sp.GetService<TimeProvider>()))
            .AddSingleton<ServedModelPersistence>()
            .AddHostedService(sp => sp.GetRequiredService<ServedModelPersistence>())
            .AddModelFollower().AddServingMetrics().AddScoring();

    /// <summary>Registers <see cref="ScoringOptions"/> (bound from <c>Keel:Serving</c>).</summary>
    public static IServiceCollection AddScoring(this IServiceCollection services) => ScoringOptions.Add(services);

    public static void MapServingApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/serving/{name}/invocations", async (string name, HttpRequest request, ServedModelRegistry models) =>
        {
            using var lease = Acquire(models, name);
            return await InvokeAsync(lease.Model, request).ConfigureAwait(false);
        });
        app.MapGet("/serving/{name}/ping", (string name, ServedModelRegistry models) => Ping(Find(models, name)));

        app.MapPost(AdminBase, LoadAsync);
        app.MapGet(AdminBase, (ServedModelPersistence stored) => ScoringResponses.Json(new JsonObject { ["models"] = stored.DescribeAll() }));
        app.MapDelete(AdminBase + "/{name}", async (string name, ServedModelPersistence stored, HttpRequest request) =>
            await stored.RemoveAsync(name, request.HttpContext.RequestAborted).ConfigureAwait(false) ? ScoringResponses.Json(new JsonObject()) : throw NotServed(name));
        app.MapServingReload(AdminBase);

        app.MapOpenInferenceApi();
    }

    /// <summary>MLflow's <c>/invocations</c>: JSON (four orientations) or CSV in, <c>{"predictions": [...]}</c> out.</summary>
    public static async Task<IResult> InvokeAsync(ServedModel model, HttpRequest request)
    {
        var timer = ServingMetrics.Start(request.HttpContext, model);
        try
        {
            var (result, rows) = await ScoreAsync(model, request).ConfigureAwait(false);
            return timer.Done(result, rows);
        }
        catch (Exception e) when (timer.Failed(e))
        {
            throw; // Not reached: Failed records the error and returns false, so the exception passes on untouched.
        }
    }

    private static async Task<(IResult Result, int Rows)> ScoreAsync(ServedModel model, HttpRequest request)
    {
        var body = await ReadInvocationAsync(request).ConfigureAwait(false);
        if (body.Unsupported is { } unsupported)
        {
            return (unsupported, 0);
        }

        var options = ScoringOptions.For(request.HttpContext);
        var rows = ParseInvocation(body, model, options);
        var log = PredictionLogScope.Start(request.HttpContext);
        Keel.ML.Packaging.ScoredRows scored;
        try
        {
            scored = model.Predict(rows, options.StrictColumns, body.WithProbabilities);
        }
        catch (Exception e) when (log.Failed(model, rows, e))
        {
            throw; // Not reached: Failed logs the failure and returns false.
        }

        var predictions = scored.Predictions;
        ScoringOptions.ReportIgnored(request.HttpContext, scored.IgnoredColumns);
        log.Complete(model, rows, predictions);
        return (ScoringResponses.Predictions(predictions, body.WithProbabilities ? model.Scorer.Task.Classes : []), predictions.Count);
    }

    /// <summary>MLflow's /ping: 200 once the model is warmed up, 503 before.</summary>
    public static IResult Ping(ServedModel model) =>
        model.Ready ? Results.Content("\n", "application/json") : throw new KeelException(ErrorCode.TemporarilyUnavailable, $"Model '{model.Name}' is not ready.");

    public static ServedModel Find(ServedModelRegistry models, string name) =>
        models.TryGet(name, out var model) ? model : throw NotServed(name);

    /// <summary>A lease on the current generation of <paramref name="name"/> for one request (dispose it when done).</summary>
    public static ModelLease Acquire(ServedModelRegistry models, string name) =>
        models.TryAcquire(name, out var lease) ? lease : throw NotServed(name);

    /// <summary>
    /// Reads the request body as one JSON document; malformed JSON is BAD_REQUEST, a string that is
    /// not valid Unicode (invalid UTF-8, a lone surrogate escape) INVALID_PARAMETER_VALUE naming it.
    /// </summary>
    public static async Task<JsonElement> ReadJsonAsync(HttpRequest request)
    {
        JsonElement root;
        try
        {
            // One exact-size array and an unpooled document: JsonDocument.ParseAsync would rent the body
            // and its token table from the shared array pool, which keeps large arrays long after a burst.
            var bytes = await request.ReadAllAsync().ConfigureAwait(false);
            var reader = new Utf8JsonReader(bytes.Span);
            var value = JsonElement.ParseValue(ref reader);
            if (reader.Read())
            {
                throw new JsonException("Unexpected content after the JSON value.");
            }

            root = value;
        }
        catch (JsonException e)
        {
            throw ScoringInput.Bad("Malformed JSON request body: " + e.Message);
        }

        // JsonDocument keeps such strings and throws only when one is read, deep in a handler.
        JsonText.CheckStrings(root);
        return root;
    }

    /// <summary>A text/csv body as strict UTF-8: invalid bytes are INVALID_PARAMETER_VALUE, not silently replaced.</summary>
    private static async Task<string> ReadCsvTextAsync(HttpRequest request)
    {
        using var reader = new StreamReader(request.Body, StrictUtf8, detectEncodingFromByteOrderMarks: true);
        try
        {
            return await reader.ReadToEndAsync(request.HttpContext.RequestAborted).ConfigureAwait(false);
        }
        catch (DecoderFallbackException)
        {
            throw TextValidator.NotUnicode("(CSV body)", "bytes that are not valid UTF-8");
        }
    }

    private static IResult Unsupported(string mediaType) => ScoringResponses.Json(
        new JsonObject
        {
            ["error_code"] = ErrorCode.BadRequest.ToWireName(),
            ["message"] = $"Unsupported content type '{(mediaType.Length == 0 ? "(none)" : mediaType)}': this predictor only supports application/json (dataframe_split, dataframe_records, instances, inputs) and text/csv.",
        },
        StatusCodes.Status415UnsupportedMediaType);

    private static KeelException NotServed(string name) => KeelException.NotFound($"No model named '{name}' is being served.");

    private static async Task<IResult> LoadAsync(HttpRequest request, ServedModelPersistence models)
    {
        RequestReading.EnsureJsonContentType(request);
        var body = await ReadJsonAsync(request).ConfigureAwait(false);
        var problems = new List<string>();
        var name = StringField(body, "name", problems);
        var uri = StringField(body, "model_uri", problems);
        if (uri is not null && !uri.StartsWith("models:/", StringComparison.Ordinal))
        {
            problems.Add("model_uri: must be a models:/ URI (models:/name/3, models:/name@alias, models:/name/Production)");
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter(string.Join("; ", problems) + ".");
        }

        var model = await models.AddAsync(name!, uri!, request.HttpContext.RequestAborted).ConfigureAwait(false);
        return ScoringResponses.Json(new JsonObject { ["model"] = ScoringResponses.Describe(model) });
    }

    private static string? StringField(JsonElement body, string field, List<string> problems)
    {
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty(field, out var value) && value.ValueKind == JsonValueKind.String && value.GetString()!.Length > 0)
        {
            return value.GetString();
        }

        problems.Add($"{field}: is required and must be a non-empty string");
        return null;
    }
}
