using System.Text.Json.Serialization;

namespace Keel.Core.Deployments;

/// <summary>
/// One serving process of a deployment (<c>keel serve --deployment NAME</c>) as the tracking server
/// knows it: what it last reported in a heartbeat, and the version it was told to serve.
/// </summary>
/// <param name="Deployment">The deployment it serves.</param>
/// <param name="ReplicaId">Its id, unique within the deployment (chosen by the replica).</param>
/// <param name="Address">Where it listens, as it reported (e.g. <c>http://127.0.0.1:5101</c>).</param>
/// <param name="ServedVersion">The version it serves now; null before its first load.</param>
/// <param name="DesiredVersion">The version it is told to serve (its assignment).</param>
/// <param name="Ready">Whether it takes traffic: a version is loaded and warm, and it is not draining.</param>
/// <param name="Healthy">Whether its last attempt to serve its assignment worked (false: the load failed).</param>
/// <param name="Detail">What it said about its state, e.g. why a load failed; null when nothing.</param>
/// <param name="FailedVersion">The version it last failed to load (and so does not serve); null when none.</param>
/// <param name="RegisteredAt">Unix milliseconds of its first registration.</param>
/// <param name="LastHeartbeatAt">Unix milliseconds of its last heartbeat (the store's clock).</param>
/// <param name="AssignedAt">Unix milliseconds when <paramref name="DesiredVersion"/> was last changed.</param>
/// <param name="ConvergedAt">
/// Unix milliseconds of the first heartbeat, since its assignment, that reported the desired version
/// served, ready and healthy; null until then, and again as soon as a heartbeat reports otherwise.
/// Bake periods count from here.
/// </param>
public sealed record DeploymentReplica(
    string Deployment,
    string ReplicaId,
    string Address,
    string? ServedVersion,
    string DesiredVersion,
    bool Ready,
    bool Healthy,
    string? Detail,
    string? FailedVersion,
    long RegisteredAt,
    long LastHeartbeatAt,
    long AssignedAt,
    long? ConvergedAt)
{
    /// <summary>Whether it serves its assignment, ready and healthy.</summary>
    [JsonIgnore]
    public bool Converged => ConvergedAt is not null;

    /// <summary>Whether a heartbeat arrived within <paramref name="timeout"/> before <paramref name="now"/>.</summary>
    public bool IsLive(long now, TimeSpan timeout) => now - LastHeartbeatAt <= (long)timeout.TotalMilliseconds;
}

/// <summary>What a replica reports in a registration or heartbeat.</summary>
/// <param name="Deployment">The deployment it serves.</param>
/// <param name="ReplicaId">Its id (one URL path segment).</param>
/// <param name="Address">Where it listens.</param>
/// <param name="ServedVersion">The version it serves now; null before its first load.</param>
/// <param name="Ready">Whether it takes traffic.</param>
/// <param name="Healthy">Whether its last load of its assignment worked.</param>
/// <param name="Detail">Why it is not ready or healthy, if so; at most 4096 characters.</param>
/// <param name="FailedVersion">The version it last failed to load; null when none.</param>
public sealed record ReplicaReport(
    string? Deployment,
    string? ReplicaId,
    string? Address,
    string? ServedVersion,
    bool Ready,
    bool Healthy,
    string? Detail,
    string? FailedVersion = null);
