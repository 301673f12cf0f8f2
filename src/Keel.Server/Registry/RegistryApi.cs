using Keel.Core.Artifacts;
using Keel.Core.Protocol;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Server.Infrastructure;

namespace Keel.Server.Registry;

/// <summary>MLflow's model registry endpoints (mlflow/protos/model_registry.proto).</summary>
internal static class RegistryApi
{
    private const int ModelsDefaultMax = 100;
    private const int ModelsMaxThreshold = 1000;
    private const int VersionsDefaultMax = 10000;
    private const int VersionsMaxThreshold = 200000;

    public static void MapRegistryApi(this IEndpointRouteBuilder app)
    {
        MapRegisteredModels(app);
        MapAliases(app);
        MapModelVersions(app);
    }

    private static void MapRegisteredModels(IEndpointRouteBuilder app)
    {
        app.MapMlflowPost("registered-models/create", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadJsonAsync<CreateRegisteredModelRequest>().ConfigureAwait(false);
            var model = await store.CreateRegisteredModelAsync(req.Name ?? string.Empty, req.Tags, req.Description, http.Actor(), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new RegisteredModelResponse(model));
        });

        app.MapMlflowGet("registered-models/get", async (HttpRequest http, IRegistryStore store) =>
            Json.Ok(new RegisteredModelResponse(await store.GetRegisteredModelAsync(RegistryRequests.ModelName(http.Query("name")), http.HttpContext.RequestAborted).ConfigureAwait(false))));

        app.MapMlflowPost("registered-models/rename", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadJsonAsync<RenameRegisteredModelRequest>().ConfigureAwait(false);
            var model = await store.RenameRegisteredModelAsync(RegistryRequests.ModelName(req.Name), RegistryRequests.ModelName(req.NewName, "new_name"), http.Actor(), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new RegisteredModelResponse(model));
        });

        app.MapMlflow("PATCH", "registered-models/update", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadJsonAsync<UpdateRegisteredModelRequest>().ConfigureAwait(false);
            var model = await store.UpdateRegisteredModelAsync(RegistryRequests.ModelName(req.Name), req.Description, http.Actor(), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new RegisteredModelResponse(model));
        });

        app.MapMlflow("DELETE", "registered-models/delete", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadBodyOrQueryAsync(q => new RegisteredModelNameRequest(q.Query("name"), q.Query("comment"))).ConfigureAwait(false);
            await store.DeleteRegisteredModelAsync(RegistryRequests.ModelName(req.Name), http.Actor(req.Comment), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowGet("registered-models/search", async (HttpRequest http, IRegistryStore store) =>
        {
            var max = RegistryRequests.MaxResults(http.QueryLong("max_results"), ModelsDefaultMax, ModelsMaxThreshold);
            var page = await store.SearchRegisteredModelsAsync(http.Query("filter"), max, http.QueryAll("order_by"), http.Query("page_token"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new SearchRegisteredModelsResponse(page.Items, page.NextPageToken));
        });

        async Task<IResult> LatestVersions(HttpRequest http, IRegistryStore store, GetLatestVersionsRequest req)
        {
            var stages = (req.Stages ?? []).Select(WireStage).ToList();
            var versions = await store.GetLatestVersionsAsync(RegistryRequests.ModelName(req.Name), stages, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ModelVersionsResponse(versions));
        }

        app.MapMlflowPost("registered-models/get-latest-versions", async (HttpRequest http, IRegistryStore store) =>
            await LatestVersions(http, store, await http.ReadJsonAsync<GetLatestVersionsRequest>().ConfigureAwait(false)).ConfigureAwait(false));
        app.MapMlflowGet("registered-models/get-latest-versions", async (HttpRequest http, IRegistryStore store) =>
            await LatestVersions(http, store, new GetLatestVersionsRequest(http.Query("name"), http.QueryAll("stages"))).ConfigureAwait(false));

        app.MapMlflowPost("registered-models/set-tag", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadJsonAsync<SetRegisteredModelTagRequest>().ConfigureAwait(false);
            var name = RegistryRequests.ModelName(req.Name);
            await store.SetRegisteredModelTagAsync(name, new RegisteredModelTag(req.Key!, req.Value!), http.Actor(), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflow("DELETE", "registered-models/delete-tag", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadBodyOrQueryAsync(q => new DeleteRegisteredModelTagRequest(q.Query("name"), q.Query("key"))).ConfigureAwait(false);
            await store.DeleteRegisteredModelTagAsync(RegistryRequests.ModelName(req.Name), TrackingValidator.Required(req.Key, "key"), http.Actor(), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });
    }

    private static void MapAliases(IEndpointRouteBuilder app)
    {
        app.MapMlflowPost("registered-models/alias", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadJsonAsync<SetRegisteredModelAliasRequest>().ConfigureAwait(false);
            var name = RegistryRequests.ModelName(req.Name);
            var version = TrackingValidator.Required(req.Version, "version");
            var actor = http.Actor(req.Comment) with { Force = req.Force ?? false };
            await store.SetAliasAsync(name, req.Alias ?? string.Empty, version, actor, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflow("DELETE", "registered-models/alias", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadBodyOrQueryAsync(q => new DeleteRegisteredModelAliasRequest(q.Query("name"), q.Query("alias"), q.Query("comment"))).ConfigureAwait(false);
            var name = RegistryRequests.ModelName(req.Name);
            await store.DeleteAliasAsync(name, req.Alias ?? string.Empty, http.Actor(req.Comment), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowGet("registered-models/alias", async (HttpRequest http, IRegistryStore store) =>
        {
            var name = RegistryRequests.ModelName(http.Query("name"));
            var alias = TrackingValidator.Required(http.Query("alias"), "alias");
            return Json.Ok(new ModelVersionResponse(await store.GetModelVersionByAliasAsync(name, alias, http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });
    }

    private static void MapModelVersions(IEndpointRouteBuilder app)
    {
        app.MapMlflowPost("model-versions/create", async (HttpRequest http, IRegistryStore store, IArtifactStore artifacts, ITrackingStore tracking) =>
        {
            var req = await http.ReadJsonAsync<CreateModelVersionRequest>().ConfigureAwait(false);
            var name = RegistryRequests.ModelName(req.Name);
            var source = TrackingValidator.Required(req.Source, "source");
            var runId = string.IsNullOrEmpty(req.RunId) ? null : req.RunId;

            // The store checks the source (ModelSourceValidator.ValidateRegistration), the run id and the
            // tags; lineage only reads a package that lies inside the artifact store.
            var lineage = await new LineageCollector(tracking, artifacts).CollectAsync(source, runId ?? RunOf(source), http.HttpContext.RequestAborted).ConfigureAwait(false);
            var version = await store.CreateModelVersionAsync(
                new CreateModelVersionCommand(name, source, runId, req.Tags, req.RunLink, req.Description, lineage),
                http.Actor(),
                http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ModelVersionResponse(version));
        });

        app.MapMlflowGet("model-versions/get", async (HttpRequest http, IRegistryStore store) =>
            Json.Ok(new ModelVersionResponse(await store.GetModelVersionAsync(
                RegistryRequests.ModelName(http.Query("name")), TrackingValidator.Required(http.Query("version"), "version"), http.HttpContext.RequestAborted).ConfigureAwait(false))));

        app.MapMlflow("PATCH", "model-versions/update", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadJsonAsync<UpdateModelVersionRequest>().ConfigureAwait(false);
            var version = await store.UpdateModelVersionAsync(RegistryRequests.ModelName(req.Name), TrackingValidator.Required(req.Version, "version"), req.Description, http.Actor(), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ModelVersionResponse(version));
        });

        app.MapMlflow("DELETE", "model-versions/delete", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadBodyOrQueryAsync(q => new ModelVersionKeyRequest(q.Query("name"), q.Query("version"), q.Query("comment"))).ConfigureAwait(false);
            await store.DeleteModelVersionAsync(RegistryRequests.ModelName(req.Name), TrackingValidator.Required(req.Version, "version"), http.Actor(req.Comment), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowGet("model-versions/search", async (HttpRequest http, IRegistryStore store) =>
        {
            var max = RegistryRequests.MaxResults(http.QueryLong("max_results"), VersionsDefaultMax, VersionsMaxThreshold);
            var page = await store.SearchModelVersionsAsync(http.Query("filter"), max, http.QueryAll("order_by"), http.Query("page_token"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new SearchModelVersionsResponse(page.Items, page.NextPageToken));
        });

        app.MapMlflowPost("model-versions/transition-stage", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadJsonAsync<TransitionModelVersionStageRequest>().ConfigureAwait(false);
            var name = RegistryRequests.ModelName(req.Name);
            var version = TrackingValidator.Required(req.Version, "version");
            var stage = WireStage(TrackingValidator.Required(req.Stage, "stage"));
            var actor = http.Actor(req.Comment) with { Force = req.Force ?? false };
            var result = await store.TransitionStageAsync(name, version, stage, req.ArchiveExistingVersions ?? false, actor, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ModelVersionResponse(result));
        });

        app.MapMlflowPost("model-versions/set-tag", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadJsonAsync<SetModelVersionTagRequest>().ConfigureAwait(false);
            var name = RegistryRequests.ModelName(req.Name);
            await store.SetModelVersionTagAsync(name, TrackingValidator.Required(req.Version, "version"), new ModelVersionTag(req.Key!, req.Value!), http.Actor(), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflow("DELETE", "model-versions/delete-tag", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadBodyOrQueryAsync(q => new DeleteModelVersionTagRequest(q.Query("name"), q.Query("version"), q.Query("key"))).ConfigureAwait(false);
            await store.DeleteModelVersionTagAsync(RegistryRequests.ModelName(req.Name), TrackingValidator.Required(req.Version, "version"), TrackingValidator.Required(req.Key, "key"), http.Actor(), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapMlflowGet("model-versions/get-download-uri", async (HttpRequest http, IRegistryStore store, ITrackingStore tracking) =>
        {
            var version = await store.GetModelVersionAsync(RegistryRequests.ModelName(http.Query("name")), TrackingValidator.Required(http.Query("version"), "version"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new GetModelVersionDownloadUriResponse(await DownloadUriAsync(version, tracking, http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });
    }

    /// <summary>The artifact URI a version's files live at: runs:/ sources resolve to the run's artifact location.</summary>
    internal static async Task<string> DownloadUriAsync(ModelVersion version, ITrackingStore tracking, CancellationToken cancellationToken)
    {
        if (RunsUri.TryParse(version.Source) is not { } runs)
        {
            return version.Source;
        }

        var run = await tracking.GetRunAsync(runs.RunId, cancellationToken).ConfigureAwait(false);
        return runs.Under(run.Info.ArtifactUri);
    }

    /// <summary>The run id of a <c>runs:/&lt;id&gt;/...</c> source, else null.</summary>
    internal static string? RunOf(string source) => RunsUri.TryParse(source)?.RunId;

    /// <summary>MLflow's wire spelling of a stage given in either spelling.</summary>
    internal static string WireStage(string stage) => ModelStages.ToWireName(ModelStages.Parse(stage));
}
