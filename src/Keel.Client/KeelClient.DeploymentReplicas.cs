using Keel.Client.Http;
using Keel.Core.Auth;
using Keel.Core.Deployments;
using Keel.Core.Registry;

namespace Keel.Client;

// The replicas of rolling deployments under /api/2.0/keel/deployments/replicas. Registering and
// heartbeats are idempotent (the last report wins), so they are replayed after a lost answer.
public sealed partial class KeelClient
{
    /// <summary>Registers a replica of a rolling deployment (again); the answer holds the version it must serve.</summary>
    public async Task<DeploymentReplica> RegisterDeploymentReplicaAsync(ReplicaReport report, CancellationToken cancellationToken = default) =>
        (await PostDeploymentAsync<ReplicaAnswer>("replicas/register", Body(report), new Actor(string.Empty), replayable: true, cancellationToken).ConfigureAwait(false)).Replica!;

    /// <summary>Sends a replica's heartbeat; the answer holds the version it must serve.</summary>
    /// <exception cref="Core.Errors.KeelException">RESOURCE_DOES_NOT_EXIST when the server does not know the replica (register it again).</exception>
    public async Task<DeploymentReplica> SendDeploymentReplicaHeartbeatAsync(ReplicaReport report, CancellationToken cancellationToken = default) =>
        (await PostDeploymentAsync<ReplicaAnswer>("replicas/heartbeat", Body(report), new Actor(string.Empty), replayable: true, cancellationToken).ConfigureAwait(false)).Replica!;

    /// <summary>
    /// A replica's scoring-token exchange: reports which of the deployment's scoring tokens let a
    /// request score since the last exchange (their last use), and answers the deployment's current
    /// set (whether it requires a token, and each active token's id, SHA-256 and expiry). Idempotent
    /// (a use is recorded to the minute), so replayed after a lost answer. Needs an admin's credentials.
    /// </summary>
    public async Task<ScoringTokenSet> ExchangeDeploymentScoringTokensAsync(string deployment, IReadOnlyList<ScoringTokenUse> used, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(used);
        var answer = await PostDeploymentAsync<ScoringTokensAnswer>(
            "replicas/scoring-tokens", new ScoringTokensBody(deployment, [.. used.Select(u => new ScoringTokenUseBody(u.Id, u.At))]), new Actor(string.Empty), replayable: true, cancellationToken).ConfigureAwait(false);
        return new ScoringTokenSet(
            answer.Guarded,
            [.. (answer.Tokens ?? []).Select(t => new ScoringVerifier(t.Id, Convert.FromHexString(t.SecretSha256), t.ExpiresAt))],
            answer.ReadAt);
    }

    /// <summary>The replicas of a deployment, by id.</summary>
    public async Task<IReadOnlyList<DeploymentReplica>> ListDeploymentReplicasAsync(string deployment, CancellationToken cancellationToken = default) =>
        (await GetDeploymentJsonAsync<ReplicasAnswer>("replicas/list", QueryString.Of("deployment", deployment), cancellationToken).ConfigureAwait(false)).Replicas ?? [];

    private static ReplicaBody Body(ReplicaReport report)
    {
        ArgumentNullException.ThrowIfNull(report);
        return new ReplicaBody(report.Deployment, report.ReplicaId, report.Address, report.ServedVersion, report.Ready, report.Healthy, report.Detail, report.FailedVersion);
    }

    private sealed record ReplicaBody(string? Deployment, string? ReplicaId, string? Address, string? ServedVersion, bool Ready, bool Healthy, string? Detail, string? FailedVersion);

    private sealed record ScoringTokensBody(string Deployment, IReadOnlyList<ScoringTokenUseBody> Used);

    private sealed record ScoringTokenUseBody(string Id, long At);

    private sealed record ScoringTokensAnswer(bool Guarded, IReadOnlyList<ScoringVerifierAnswer>? Tokens, long ReadAt);

    private sealed record ScoringVerifierAnswer(string Id, string SecretSha256, long ExpiresAt);

    private sealed record ReplicaAnswer(DeploymentReplica? Replica);

    private sealed record ReplicasAnswer(IReadOnlyList<DeploymentReplica>? Replicas);
}
