namespace Keel.Core.Deployments;

/// <summary>
/// Where the replicas of deployments are kept: registrations, heartbeats and each replica's
/// assigned version. Time stamps come from the store's clock, so every server process agrees on
/// when a replica was last heard from. Inputs are checked by <see cref="DeploymentReplicaService"/>.
/// </summary>
public interface IDeploymentReplicaStore
{
    /// <summary>
    /// Records a replica (again): a new one is assigned <paramref name="assignVersion"/>; a known one
    /// (same deployment and id, e.g. restarted) keeps its assignment and takes the new report.
    /// </summary>
    Task<DeploymentReplica> RegisterAsync(ReplicaReport report, string assignVersion, CancellationToken cancellationToken = default);

    /// <summary>Records a heartbeat: the report, and the time; <see cref="DeploymentReplica.ConvergedAt"/> follows what it reports.</summary>
    /// <returns>The replica with its assignment, or null when it is not registered (it registers again).</returns>
    Task<DeploymentReplica?> HeartbeatAsync(ReplicaReport report, CancellationToken cancellationToken = default);

    /// <summary>The replicas of <paramref name="deployment"/>, by id.</summary>
    Task<IReadOnlyList<DeploymentReplica>> ListAsync(string deployment, CancellationToken cancellationToken = default);

    /// <summary>Tells a replica to serve <paramref name="version"/>; when that changes its assignment, <see cref="DeploymentReplica.ConvergedAt"/> is cleared.</summary>
    /// <returns>The replica after the change, or null when it is not registered.</returns>
    Task<DeploymentReplica?> AssignAsync(string deployment, string replicaId, string version, CancellationToken cancellationToken = default);

    /// <summary>Forgets replicas not heard from for <paramref name="silence"/> (of every deployment).</summary>
    /// <returns>How many were forgotten.</returns>
    Task<int> ExpireAsync(TimeSpan silence, CancellationToken cancellationToken = default);
}
