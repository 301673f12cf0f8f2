using System.Globalization;
using Keel.Core.Approvals;
using Keel.Core.Errors;
using Keel.Core.Protocol;
using Keel.Core.Registry;
using Keel.Core.Validation;
using Keel.Server.Infrastructure;

namespace Keel.Server.Registry;

/// <summary>Keel's registry additions under /api/2.0/keel/registry: audit trail, held-at, rollback, lineage, URI resolution.</summary>
internal static class KeelRegistryApi
{
    private const string Prefix = "/api/2.0/keel/registry/";

    public static void MapKeelRegistryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Prefix + "events", async (HttpRequest http, IRegistryStore store) =>
        {
            var max = TrackingValidator.ValidateMaxResults(http.QueryLong("max_results"), 1000, 10000);
            var query = new RegistryEventQuery(
                http.Query("name"),
                http.Query("version"),
                Time(http.Query("from"), "from"),
                Time(http.Query("to"), "to"),
                max,
                http.Query("page_token"));
            var page = await store.ListEventsAsync(query, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new RegistryEventsResponse(page.Items, page.NextPageToken));
        });

        app.MapGet(Prefix + "held-at", async (HttpRequest http, IRegistryStore store, IApprovalStore approvals) =>
        {
            var name = RegistryRequests.ModelName(http.Query("name"));
            var at = Time(http.Query("at"), "at") ?? throw KeelException.InvalidParameter("Missing value for required parameter 'at' (Unix milliseconds or an ISO-8601 time).");
            var (stage, alias) = StageOrAlias(http.Query("stage"), http.Query("alias"));
            var versions = stage is not null
                ? await store.VersionsInStageAtAsync(name, stage, at, http.HttpContext.RequestAborted).ConfigureAwait(false)
                : (await store.AliasTargetAtAsync(name, alias!, at, http.HttpContext.RequestAborted).ConfigureAwait(false)) is { } v ? [v] : [];
            var moves = await ApprovalHistory.MovesAsync(store, approvals, name, stage, alias, at, versions, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new HeldAtResponse(name, stage, alias, at, versions, moves));
        });

        app.MapPost(Prefix + "rollback", async (HttpRequest http, IRegistryStore store) =>
        {
            var req = await http.ReadJsonAsync<RollbackRequest>().ConfigureAwait(false);
            var name = RegistryRequests.ModelName(req.Name);
            var (stage, alias) = StageOrAlias(req.Stage, req.Alias);
            var actor = http.Actor(req.Comment);
            var version = stage is not null
                ? await store.RollbackStageAsync(name, stage, actor, http.HttpContext.RequestAborted).ConfigureAwait(false)
                : await store.RollbackAliasAsync(name, alias!, actor, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new RollbackResponse(version));
        });

        app.MapGet(Prefix + "lineage", async (HttpRequest http, IRegistryStore store) =>
        {
            var name = RegistryRequests.ModelName(http.Query("name"));
            var version = TrackingValidator.Required(http.Query("version"), "version");
            var mv = await store.GetModelVersionAsync(name, version, http.HttpContext.RequestAborted).ConfigureAwait(false);
            var lineage = await store.GetLineageAsync(name, version, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new LineageResponse(mv, lineage));
        });

        app.MapGet(Prefix + "resolve", async (HttpRequest http, IRegistryStore store) =>
        {
            var uri = TrackingValidator.Required(http.Query("uri"), "uri");
            return Json.Ok(new ModelVersionResponse(await store.ResolveAsync(uri, http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });
    }

    private static (string? Stage, string? Alias) StageOrAlias(string? stage, string? alias)
    {
        if (string.IsNullOrEmpty(stage) == string.IsNullOrEmpty(alias))
        {
            throw KeelException.InvalidParameter("Give exactly one of 'stage' and 'alias'.");
        }

        return string.IsNullOrEmpty(stage) ? (null, alias) : (RegistryApi.WireStage(stage), null);
    }

    /// <summary>Unix milliseconds, or an ISO-8601 date/time (UTC unless it says otherwise).</summary>
    internal static long? Time(string? text, string field)
    {
        if (string.IsNullOrEmpty(text))
        {
            return null;
        }

        if (long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var ms))
        {
            return ms;
        }

        if (DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time.ToUnixTimeMilliseconds();
        }

        throw KeelException.InvalidParameter($"Invalid value '{text}' for '{field}': expected Unix milliseconds or an ISO-8601 time.");
    }
}
