using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Errors;
using Keel.Core.Protocol;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Server.Infrastructure;

namespace Keel.Server.Tracking;

/// <summary>MLflow's run endpoints (service.proto: CreateRun ... LogInputs, SearchRuns, GetMetricHistory).</summary>
internal static class RunsApi
{
    /// <summary>The run tag where MLflow keeps the JSON list of logged models.</summary>
    public const string LoggedModelsTag = MlflowTags.LoggedModels;

    public static void MapRunsApi(this IEndpointRouteBuilder app)
    {
        // Handlers parse and bind; every rule (names, lengths, truncation, batch limits) is the store's,
        // so the CLI on a local store and the REST client meet the same checks.
        app.MapMlflowPost("runs/create", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<CreateRunRequest>().ConfigureAwait(false);
            var experimentId = TrackingValidator.Required(req.ExperimentId, "experiment_id");
            var run = await store.CreateRunAsync(new CreateRunCommand(experimentId, req.UserId, req.RunName, req.StartTime, req.Tags), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new RunResponse(run));
        });

        app.MapMlflowGet("runs/get", async (HttpRequest http, ITrackingStore store) =>
        {
            var runId = RunId(http.Query("run_id"), http.Query("run_uuid"));
            return Json.Ok(new RunResponse(await store.GetRunAsync(runId, http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });

        app.MapMlflowPost("runs/update", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<UpdateRunRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, req.RunUuid);
            var info = await store.UpdateRunAsync(runId, req.Status, req.EndTime, req.RunName, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new UpdateRunResponse(info));
        });

        app.MapMlflowPost("runs/delete", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<RunIdRequest>().ConfigureAwait(false);
            await store.DeleteRunAsync(RunId(req.RunId, null), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/restore", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<RunIdRequest>().ConfigureAwait(false);
            await store.RestoreRunAsync(RunId(req.RunId, null), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/log-metric", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<LogMetricRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, req.RunUuid);
            var metric = new Metric(
                TrackingValidator.Required(req.Key, "key"),
                TrackingValidator.Required(req.Value, "value"),
                TrackingValidator.Required(req.Timestamp, "timestamp"),
                req.Step ?? 0);
            await store.LogMetricAsync(runId, metric, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/log-parameter", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<LogParamRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, req.RunUuid);
            var param = new Param(TrackingValidator.Required(req.Key, "key"), TrackingValidator.Required(req.Value, "value"));
            await store.LogParamAsync(runId, param, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/set-tag", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<SetTagRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, req.RunUuid);
            var tag = new RunTag(TrackingValidator.Required(req.Key, "key"), TrackingValidator.Required(req.Value, "value"));
            await store.SetTagAsync(runId, tag, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/delete-tag", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<DeleteTagRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, null);
            await store.DeleteTagAsync(runId, TrackingValidator.Required(req.Key, "key"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/log-batch", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<LogBatchRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, null);
            await store.LogBatchAsync(runId, req.Metrics ?? [], req.Params ?? [], req.Tags ?? [], http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/log-inputs", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<LogInputsRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, null);
            await store.LogInputsAsync(runId, req.Datasets ?? [], http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/log-model", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<LogModelRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, null);
            var model = ParseModelJson(TrackingValidator.Required(req.ModelJson, "model_json"));
            var run = await store.GetRunAsync(runId, http.HttpContext.RequestAborted).ConfigureAwait(false);
            var history = run.Data.Tags.FirstOrDefault(t => t.Key == LoggedModelsTag)?.Value is { } existing
                ? JsonNode.Parse(existing) as JsonArray ?? []
                : [];
            history.Add(model);
            var tag = new RunTag(LoggedModelsTag, history.ToJsonString());
            await store.SetTagAsync(runId, tag, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/search", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<SearchRunsRequest>().ConfigureAwait(false);
            var max = TrackingValidator.ValidateMaxResults(req.MaxResults, TrackingLimits.SearchRunsDefaultMaxResults, TrackingLimits.SearchMaxResultsThreshold);
            var page = await store.SearchRunsAsync(
                new RunSearchQuery(req.ExperimentIds ?? [], req.Filter, req.RunViewType ?? ViewType.ActiveOnly, max, req.OrderBy, req.PageToken),
                http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new SearchRunsResponse(page.Items, page.NextPageToken));
        });

        app.MapMlflowGet("metrics/get-history", async (HttpRequest http, ITrackingStore store) =>
        {
            var runId = RunId(http.Query("run_id"), http.Query("run_uuid"));
            var key = TrackingValidator.Required(http.Query("metric_key"), "metric_key");
            var requested = http.QueryLong("max_results");
            var max = requested is null
                ? int.MaxValue
                : TrackingValidator.ValidateMaxResults(requested, TrackingLimits.MetricHistoryMaxResults, TrackingLimits.MetricHistoryMaxResults);
            var page = await store.GetMetricHistoryAsync(runId, key, max, http.Query("page_token"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new GetMetricHistoryResponse(page.Items, page.NextPageToken));
        });
    }

    /// <summary>run_id, or the deprecated run_uuid; the store checks it (32 lowercase hex characters).</summary>
    internal static string RunId(string? runId, string? runUuid) =>
        (string.IsNullOrEmpty(runId) ? runUuid : runId) ?? string.Empty;

    private static JsonObject ParseModelJson(string modelJson)
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(modelJson);
        }
        catch (JsonException e)
        {
            throw KeelException.InvalidParameter($"Malformed model info. 'model_json' is not valid JSON: {e.Message}");
        }

        if (node is not JsonObject model)
        {
            throw KeelException.InvalidParameter("Malformed model info. 'model_json' must be a JSON object.");
        }

        string[] required = ["artifact_path", "flavors", "utc_time_created", "run_id"];
        var missing = required.Where(k => !model.ContainsKey(k)).ToList();
        if (missing.Count > 0)
        {
            throw KeelException.InvalidParameter($"Model json is missing mandatory fields: {string.Join(", ", missing)}");
        }

        return model;
    }
}
