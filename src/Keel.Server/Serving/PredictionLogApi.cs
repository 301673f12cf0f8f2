using System.Text.Json;
using Keel.Core.Auth;
using Keel.Core.Errors;
using Keel.Core.Predictions;
using Keel.Core.Validation;
using Keel.Server.Auth;
using Keel.Server.Infrastructure;
using Keel.Server.Registry;

namespace Keel.Server.Serving;

/// <summary>
/// The prediction log's endpoints: <c>POST /api/2.0/keel/serving/feedback</c> takes ground truth
/// for a logged request, <c>GET /api/2.0/keel/serving/predictions</c> reads a model's log with the
/// feedback joined. Also registers the <see cref="PredictionLogger"/>.
/// </summary>
internal static class PredictionLogApi
{
    private const string Base = "/api/2.0/keel/serving/";

    /// <summary>Registers the logger and the retention pruner (singletons and hosted services) with options from <paramref name="section"/>.</summary>
    public static IServiceCollection AddPredictionLog(this IServiceCollection services, IConfiguration section)
    {
        var options = new PredictionLogOptions();
        section.Bind(options);
        options.Validate();
        services.AddSingleton(options);
        services.AddSingleton<PredictionLogger>();
        services.AddHostedService(sp => sp.GetRequiredService<PredictionLogger>());
        services.AddSingleton<PredictionLogRetention>();
        services.AddHostedService(sp => sp.GetRequiredService<PredictionLogRetention>());
        return services;
    }

    public static void MapPredictionLogApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Base + "feedback", FeedbackAsync);
        app.MapGet(Base + "predictions", SearchAsync);
    }

    /// <summary>
    /// <c>{"request_id": "...", "labels": [...]}</c> (one label per row) or
    /// <c>{"request_id": "...", "label": ..., "row_index": 0}</c> (one row; row_index defaults to 0).
    /// A request id the store does not know yet may still be buffered: the log is flushed once and the
    /// id looked up again before answering RESOURCE_DOES_NOT_EXIST.
    /// </summary>
    private static async Task<IResult> FeedbackAsync(HttpRequest request, IPredictionStore store, PredictionLogger logger, TimeProvider time)
    {
        RequestReading.EnsureJsonContentType(request);
        var body = await ServingApi.ReadJsonAsync(request).ConfigureAwait(false);
        var feedback = ParseFeedback(body, time.GetUtcNow().ToUnixTimeMilliseconds(), request.HttpContext.RequestServices.GetService<InputLimits>());
        var cancel = request.HttpContext.RequestAborted;
        var flushed = false;
        if (request.HttpContext.Features.Get<AuthenticatedUser>() is { } caller)
        {
            // With auth on, feedback needs EDIT on what logged the request (docs/auth.md, "Keel's resources").
            var sources = await store.FindRequestSourcesAsync(feedback.RequestId, cancel).ConfigureAwait(false);
            if (sources.Count == 0)
            {
                await FlushAsync(logger, cancel).ConfigureAwait(false);
                flushed = true;
                sources = await store.FindRequestSourcesAsync(feedback.RequestId, cancel).ConfigureAwait(false);
            }

            var auth = request.HttpContext.RequestServices.GetRequiredService<AuthService>();
            await auth.CheckFeedbackAsync(caller.User, feedback.RequestId, sources, cancel).ConfigureAwait(false);
        }

        int records;
        try
        {
            records = await store.AddFeedbackAsync(feedback, cancel).ConfigureAwait(false);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist && !flushed)
        {
            await FlushAsync(logger, cancel).ConfigureAwait(false);
            records = await store.AddFeedbackAsync(feedback, cancel).ConfigureAwait(false);
        }

        return Json.Ok(new FeedbackResponse(feedback.RequestId, records));
    }

    /// <summary>Writes what the logger holds, waiting at most its feedback flush timeout (a slow store: answer with what it has now).</summary>
    private static async Task FlushAsync(PredictionLogger logger, CancellationToken cancel)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancel);
        timeout.CancelAfter(logger.Options.FeedbackFlushTimeout);
        try
        {
            await logger.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancel.IsCancellationRequested)
        {
            // The store is slow: answer with what it has now.
        }
    }

    private static PredictionFeedback ParseFeedback(JsonElement body, long now, InputLimits? limits)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw KeelException.InvalidParameter("The feedback must be a JSON object: {\"request_id\": \"...\", \"labels\": [...]} or {\"request_id\": \"...\", \"label\": ..., \"row_index\": 0}.");
        }

        var problems = new List<string>();
        string? requestId = null;
        if (body.TryGetProperty("request_id", out var id) && id.ValueKind == JsonValueKind.String)
        {
            requestId = id.GetString();
        }
        else
        {
            problems.Add("request_id: is required and must be a string");
        }

        var hasLabels = body.TryGetProperty("labels", out var labels);
        var hasLabel = body.TryGetProperty("label", out var label);
        var hasRow = body.TryGetProperty("row_index", out var row);
        int? rowIndex = null;
        if (hasLabels == hasLabel)
        {
            problems.Add("give exactly one of 'labels' (one per row) or 'label' (one row)");
        }
        else if (hasLabels && hasRow)
        {
            problems.Add("row_index: goes with 'label', not 'labels'");
        }

        if (hasRow)
        {
            rowIndex = row.ValueKind == JsonValueKind.Number && row.TryGetInt32(out var r) && r >= 0 ? r : null;
            if (rowIndex is null)
            {
                problems.Add("row_index: must be an integer, 0 or more");
            }
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter(string.Join("; ", problems) + ".");
        }

        return hasLabels
            ? PredictionFeedback.ForRows(requestId!, labels, now, limits)
            : PredictionFeedback.ForRow(requestId!, label, rowIndex ?? 0, now, limits);
    }

    /// <summary><c>?model=NAME&amp;from=T1&amp;to=T2&amp;max_results=N&amp;page_token=...&amp;errors=include|exclude|only</c> (errors default include): T as Unix ms or ISO-8601; from inclusive, to exclusive.</summary>
    private static async Task<IResult> SearchAsync(HttpRequest http, IPredictionStore store)
    {
        var model = http.Query("model");
        if (string.IsNullOrEmpty(model))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'model'.");
        }

        var query = new PredictionQuery(
            model,
            KeelRegistryApi.Time(http.Query("from"), "from"),
            KeelRegistryApi.Time(http.Query("to"), "to"),
            TrackingValidator.ValidateMaxResults(http.QueryLong("max_results"), PredictionQuery.DefaultPageSize, PredictionQuery.MaxPageSize),
            http.Query("page_token"))
        {
            // As MLflow lists failed runs next to finished ones, the log lists failed requests (with
            // their error_code) unless asked not to: errors=exclude, or errors=only for failures alone.
            Errors = PredictionErrorFilters.Parse(http.Query("errors"), PredictionErrorFilter.Include),
        };
        var page = await store.SearchAsync(query, http.HttpContext.RequestAborted).ConfigureAwait(false);
        return Results.Bytes(PredictionLogJson.Page(page), "application/json");
    }

    private sealed record FeedbackResponse(string RequestId, int Records);
}
