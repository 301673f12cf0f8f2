using Keel.Core.Auth;
using Keel.Core.Deployments;
using Keel.Server.Infrastructure;

namespace Keel.Server.Deployments;

/// <summary>
/// The replicas of rolling deployments under /api/2.0/keel/deployments/replicas: register,
/// heartbeat (answers the replica's assignment), list, and scoring-tokens (the deployment's scoring
/// tokens, which a replica enforces). <c>keel serve --deployment</c> calls register, heartbeat and
/// scoring-tokens; <c>keel deploy status</c> list.
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

        app.MapPost(Prefix + "scoring-tokens", async (HttpRequest http, AuthService auth) =>
        {
            var req = await http.ReadJsonAsync<ReplicaScoringTokensRequest>().ConfigureAwait(false);
            var uses = req.Used?.Select(u => new ScoringTokenUse(u?.Id!, u?.At ?? 0)).ToList();
            var set = await auth.ExchangeScoringTokensAsync(ResourceKind.Deployment, req.Deployment, uses, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ReplicaScoringTokensResponse(
                set.Guarded,
                [.. set.Tokens.Select(t => new ScoringVerifierJson(t.Id, Convert.ToHexStringLower(t.SecretHash), t.ExpiresAt))],
                set.ReadAt));
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

/// <summary>POST scoring-tokens: the deployment, and the tokens the replica accepted since its last call.</summary>
internal sealed record ReplicaScoringTokensRequest(string? Deployment, IReadOnlyList<ScoringTokenUseJson?>? Used);

internal sealed record ScoringTokenUseJson(string? Id, long? At);

/// <summary>Whether the deployment requires a token, and its active tokens (id, SHA-256 of the text, expiry).</summary>
internal sealed record ReplicaScoringTokensResponse(bool Guarded, IReadOnlyList<ScoringVerifierJson> Tokens, long ReadAt);

internal sealed record ScoringVerifierJson(string Id, string SecretSha256, long ExpiresAt);
