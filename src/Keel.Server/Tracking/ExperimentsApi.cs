using Keel.Core.Errors;
using Keel.Core.Protocol;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Server.Infrastructure;

namespace Keel.Server.Tracking;

/// <summary>MLflow's experiment endpoints (service.proto: CreateExperiment ... DeleteExperimentTag).</summary>
internal static class ExperimentsApi
{
    public static void MapExperimentsApi(this IEndpointRouteBuilder app)
    {
        app.MapMlflowPost("experiments/create", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<CreateExperimentRequest>().ConfigureAwait(false);
            var id = await store.CreateExperimentAsync(req.Name ?? string.Empty, req.ArtifactLocation, req.Tags, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new CreateExperimentResponse(id));
        });

        app.MapMlflowGet("experiments/get", async (HttpRequest http, ITrackingStore store) =>
        {
            var id = TrackingValidator.Required(http.Query("experiment_id"), "experiment_id");
            return Json.Ok(new GetExperimentResponse(await store.GetExperimentAsync(id, http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });

        app.MapMlflowGet("experiments/get-by-name", async (HttpRequest http, ITrackingStore store) =>
        {
            var name = TrackingValidator.Required(http.Query("experiment_name"), "experiment_name");
            return Json.Ok(new GetExperimentResponse(await store.GetExperimentByNameAsync(name, http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });

        app.MapMlflowGet("experiments/search", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = new SearchExperimentsRequest(
                http.QueryLong("max_results"),
                http.Query("page_token"),
                http.Query("filter"),
                http.QueryAll("order_by"),
                ParseViewType(http.Query("view_type")));
            return await SearchAsync(req, store, http.HttpContext.RequestAborted).ConfigureAwait(false);
        });

        app.MapMlflowPost("experiments/search", async (HttpRequest http, ITrackingStore store) =>
            await SearchAsync(await http.ReadJsonAsync<SearchExperimentsRequest>().ConfigureAwait(false), store, http.HttpContext.RequestAborted).ConfigureAwait(false));

        app.MapMlflowPost("experiments/update", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<UpdateExperimentRequest>().ConfigureAwait(false);
            var id = TrackingValidator.Required(req.ExperimentId, "experiment_id");
            var name = TrackingValidator.Required(req.NewName, "new_name");
            await store.RenameExperimentAsync(id, name, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("experiments/delete", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<ExperimentIdRequest>().ConfigureAwait(false);
            await store.DeleteExperimentAsync(TrackingValidator.Required(req.ExperimentId, "experiment_id"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("experiments/restore", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<ExperimentIdRequest>().ConfigureAwait(false);
            await store.RestoreExperimentAsync(TrackingValidator.Required(req.ExperimentId, "experiment_id"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("experiments/set-experiment-tag", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<SetExperimentTagRequest>().ConfigureAwait(false);
            var id = TrackingValidator.Required(req.ExperimentId, "experiment_id");
            await store.SetExperimentTagAsync(id, req.Key!, req.Value!, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("experiments/delete-experiment-tag", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<DeleteExperimentTagRequest>().ConfigureAwait(false);
            var id = TrackingValidator.Required(req.ExperimentId, "experiment_id");
            var key = TrackingValidator.Required(req.Key, "key");
            await store.DeleteExperimentTagAsync(id, key, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });
    }

    private static async Task<IResult> SearchAsync(SearchExperimentsRequest req, ITrackingStore store, CancellationToken ct)
    {
        var max = TrackingValidator.ValidateMaxResults(req.MaxResults, TrackingLimits.SearchExperimentsDefaultMaxResults, TrackingLimits.SearchMaxResultsThreshold);
        var page = await store.SearchExperimentsAsync(
            new ExperimentSearchQuery(req.ViewType ?? ViewType.ActiveOnly, max, req.Filter, req.OrderBy, req.PageToken), ct).ConfigureAwait(false);
        return Json.Ok(new SearchExperimentsResponse(page.Items, page.NextPageToken));
    }

    /// <summary>Parses a view type from a query string: ACTIVE_ONLY, DELETED_ONLY, ALL or 1..3.</summary>
    internal static ViewType? ParseViewType(string? text) => text?.ToUpperInvariant() switch
    {
        null or "" => null,
        "ACTIVE_ONLY" or "1" => ViewType.ActiveOnly,
        "DELETED_ONLY" or "2" => ViewType.DeletedOnly,
        "ALL" or "3" => ViewType.All,
        _ => throw new KeelException(ErrorCode.InvalidParameterValue, $"Invalid view_type '{text}'. Expected ACTIVE_ONLY, DELETED_ONLY or ALL."),
    };
}
