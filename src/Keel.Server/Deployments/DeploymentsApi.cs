using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Core.Validation;
using Keel.Server.Infrastructure;
using Keel.Server.Registry;

namespace Keel.Server.Deployments;

/// <summary>Deployments under /api/2.0/keel/deployments: create, get, list, apply, promote, pause, resume, rollback, history.</summary>
internal static class DeploymentsApi
{
    private const string Prefix = "/api/2.0/keel/deployments/";

    public static void MapDeploymentsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefix + "create", async (HttpRequest http, DeploymentService deployments) =>
        {
            var req = await http.ReadJsonAsync<DeploymentSpecRequest>().ConfigureAwait(false);
            var created = await deployments.CreateAsync(TrackingValidator.Required(req.Spec, "spec"), ActorOf(http, req.Comment, req.Force), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new DeploymentResponse(created));
        });

        app.MapPost(Prefix + "apply", async (HttpRequest http, DeploymentService deployments) =>
        {
            var req = await http.ReadJsonAsync<DeploymentSpecRequest>().ConfigureAwait(false);
            var result = await deployments.ApplyAsync(TrackingValidator.Required(req.Spec, "spec"), ActorOf(http, req.Comment, req.Force), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new DeploymentApplyResponse(result.Deployment, result.Change));
        });

        app.MapGet(Prefix + "get", async (HttpRequest http, DeploymentService deployments) =>
            Json.Ok(new DeploymentResponse(await deployments.GetAsync(DeploymentSpecValidator.Name(http.Query("name")), http.HttpContext.RequestAborted).ConfigureAwait(false))));

        app.MapGet(Prefix + "list", async (HttpRequest http, DeploymentService deployments) =>
        {
            var max = TrackingValidator.ValidateMaxResults(http.QueryLong("max_results"), 100, 1000);
            var page = await deployments.ListAsync(max, http.Query("page_token"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new DeploymentsResponse(page.Items, page.NextPageToken));
        });

        app.MapGet(Prefix + "history", async (HttpRequest http, DeploymentService deployments) =>
        {
            var name = DeploymentSpecValidator.Name(http.Query("name"));
            var max = TrackingValidator.ValidateMaxResults(http.QueryLong("max_results"), 1000, 10000);
            var page = await deployments.HistoryAsync(name, max, http.Query("page_token"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new DeploymentEventsResponse(page.Items, page.NextPageToken));
        });

        app.MapPost(Prefix + "delete", async (HttpRequest http, DeploymentService deployments) =>
        {
            var req = await http.ReadJsonAsync<DeploymentActionRequest>().ConfigureAwait(false);
            await deployments.DeleteAsync(DeploymentSpecValidator.Name(req.Name), ActorOf(http, req.Comment, req.Force), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new { });
        });

        MapAction(app, "promote", (d, name, actor, _, ct) => d.PromoteAsync(name, actor, ct));
        MapAction(app, "pause", (d, name, actor, _, ct) => d.PauseAsync(name, actor, ct));
        MapAction(app, "resume", (d, name, actor, _, ct) => d.ResumeAsync(name, actor, ct));
        MapAction(app, "rollback", (d, name, actor, req, ct) => d.RollbackAsync(name, actor, req.Evidence, ct));
        app.MapDeploymentReplicasApi();
    }

    private static void MapAction(IEndpointRouteBuilder app, string verb, Func<DeploymentService, string, Actor, DeploymentActionRequest, CancellationToken, Task<Deployment>> action) =>
        app.MapPost(Prefix + verb, async (HttpRequest http, DeploymentService deployments) =>
        {
            var req = await http.ReadJsonAsync<DeploymentActionRequest>().ConfigureAwait(false);
            var name = DeploymentSpecValidator.Name(req.Name);
            var deployment = await action(deployments, name, ActorOf(http, req.Comment, req.Force), req, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new DeploymentResponse(deployment));
        });

    private static Actor ActorOf(HttpRequest http, string? comment, bool? force) => http.Actor(comment) with { Force = force ?? false };
}
