using Keel.Core.Deployments;
using Keel.Server.Infrastructure;

namespace Keel.Server.Deployments;

/// <summary>
/// The replicas of rolling deployments under /api/2.0/keel/deployments/replicas: register,
/// heartbeat (answers the replica's assignment) and list. <c>keel serve --deployment</c> calls the
/// first two; <c>keel deploy status</c> the third.
/// </summary>
internal static class DeploymentReplicasApi
{
    private const string Prefix = "/api/2.0/keel/deployments/replicas/";

    public static void MapDeploymentReplicasApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefix + "register", async (HttpRequest http, DeploymentReplicaService replicas) =>
        {
            var req = await http.ReadJsonAsync<ReplicaReportRequest>().ConfigureAwait(false);
            return Json.Ok(new ReplicaResponse(await replicas.RegisterAsync(req.ToReport(), http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });

        app.MapPost(Prefix + "heartbeat", async (HttpRequest http, DeploymentReplicaService replicas) =>
        {
            var req = await http.ReadJsonAsync<ReplicaReportRequest>().ConfigureAwait(false);
            return Json.Ok(new ReplicaResponse(await replicas.HeartbeatAsync(req.ToReport(), http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });

        app.MapGet(Prefix + "list", async (HttpRequest http, DeploymentReplicaService replicas) =>
            Json.Ok(new ReplicasResponse(await replicas.ListAsync(http.Query("deployment"), http.HttpContext.RequestAborted).ConfigureAwait(false))));
    }
}

/// <summary>POST register and heartbeat: what the replica reports (snake_case on the wire).</summary>
internal sealed record ReplicaReportRequest(string? Deployment, string? ReplicaId, string? Address, string? ServedVersion, bool? Ready, bool? Healthy, string? Detail, string? FailedVersion)
{
    public ReplicaReport ToReport() => new(Deployment, ReplicaId, Address, ServedVersion, Ready ?? false, Healthy ?? false, Detail, FailedVersion);
}

internal sealed record ReplicaResponse(DeploymentReplica Replica);

internal sealed record ReplicasResponse(IReadOnlyList<DeploymentReplica> Replicas);
