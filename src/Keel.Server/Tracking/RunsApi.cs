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
        app.MapMlflowPost("runs/create", async (HttpRequest http, ITrackingStore store, InputLimits limits) =>
        {
            var req = await http.ReadJsonAsync<CreateRunRequest>().ConfigureAwait(false);
            var experimentId = TrackingValidator.Required(req.ExperimentId, "experiment_id");
            foreach (var tag in req.Tags ?? [])
            {
                TrackingValidator.ValidateTag(TrackingValidator.Truncated(tag, limits.TruncateLongValues));
            }

            if (req.RunName is { Length: > TrackingLimits.MaxRunNameLength })
            {
                throw KeelException.InvalidParameter($"Run name had length {req.RunName.Length}, which exceeded length limit of {TrackingLimits.MaxRunNameLength}.");
            }

            if (req.StartTime is < 0)
            {
                throw KeelException.InvalidParameter($"Invalid value {req.StartTime} for parameter 'start_time': must be non-negative.");
            }

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
            if (req.RunName is { Length: > TrackingLimits.MaxRunNameLength })
            {
                throw KeelException.InvalidParameter($"Run name had length {req.RunName.Length}, which exceeded length limit of {TrackingLimits.MaxRunNameLength}.");
            }

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
            TrackingValidator.ValidateMetric(metric);
            await store.LogMetricAsync(runId, metric, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/log-parameter", async (HttpRequest http, ITrackingStore store, InputLimits limits) =>
        {
            var req = await http.ReadJsonAsync<LogParamRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, req.RunUuid);
            var param = TrackingValidator.Truncated(new Param(TrackingValidator.Required(req.Key, "key"), TrackingValidator.Required(req.Value, "value")), limits.TruncateLongValues);
            TrackingValidator.ValidateParam(param);
            await store.LogParamAsync(runId, param, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/set-tag", async (HttpRequest http, ITrackingStore store, InputLimits limits) =>
        {
            var req = await http.ReadJsonAsync<SetTagRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, req.RunUuid);
            var tag = TrackingValidator.Truncated(new RunTag(TrackingValidator.Required(req.Key, "key"), TrackingValidator.Required(req.Value, "value")), limits.TruncateLongValues);
            TrackingValidator.ValidateTag(tag);
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

        app.MapMlflowPost("runs/log-batch", async (HttpRequest http, ITrackingStore store, InputLimits limits) =>
        {
            var req = await http.ReadJsonAsync<LogBatchRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, null);
            var metrics = req.Metrics ?? [];
            var @params = (req.Params ?? []).Select(p => p is { Key: not null, Value: not null } ? TrackingValidator.Truncated(p, limits.TruncateLongValues) : p).ToList();
            var tags = (req.Tags ?? []).Select(t => t is { Key: not null, Value: not null } ? TrackingValidator.Truncated(t, limits.TruncateLongValues) : t).ToList();
            TrackingValidator.ValidateBatch(metrics, @params, tags);
            await store.LogBatchAsync(runId, metrics, @params, tags, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowPost("runs/log-inputs", async (HttpRequest http, ITrackingStore store) =>
        {
            var req = await http.ReadJsonAsync<LogInputsRequest>().ConfigureAwait(false);
            var runId = RunId(req.RunId, null);
            var datasets = req.Datasets ?? [];
            DatasetValidator.Validate(datasets);
            await store.LogInputsAsync(runId, datasets, http.HttpContext.RequestAborted).ConfigureAwait(false);
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
            TrackingValidator.ValidateTag(tag);
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

    /// <summary>run_id, or the deprecated run_uuid, validated as 32 lowercase hex characters.</summary>
    internal static string RunId(string? runId, string? runUuid) =>
        TrackingValidator.ValidateRunId(string.IsNullOrEmpty(runId) ? runUuid : runId);

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
