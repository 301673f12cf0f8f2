using System.Text.Json;
using Keel.Core.Paging;

namespace Keel.Core.Deployments;

/// <summary>
/// Where deployments, their history and the controller's lease are kept. Every change is written
/// with its <see cref="DeploymentEvent"/> and the matching entry of the registry's audit trail in
/// one transaction, and only if the deployment is still at the revision the writer read
/// (optimistic concurrency), so two writers can never both move a deployment.
/// </summary>
public interface IDeploymentStore : Storage.ILeaseStore
{
    /// <summary>Stores a new deployment at revision 1 with its first event.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_ALREADY_EXISTS when the name is taken.</exception>
    Task<Deployment> CreateAsync(Deployment deployment, DeploymentChange change, CancellationToken cancellationToken = default);

    /// <summary>The deployment.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST.</exception>
    Task<Deployment> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Deployments by name.</summary>
    Task<PagedResult<Deployment>> ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the deployment with <paramref name="next"/> at revision <paramref name="expectedRevision"/> + 1
    /// and records the change; null, with nothing written, when the stored revision is no longer
    /// <paramref name="expectedRevision"/> (someone else moved it: read again and decide again).
    /// </summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST.</exception>
    Task<Deployment?> TryUpdateAsync(Deployment next, long expectedRevision, DeploymentChange change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the deployment and its history if it is still at <paramref name="expectedRevision"/>;
    /// the registry's audit trail keeps <paramref name="change"/> (kind <see cref="DeploymentEventKinds.Deleted"/>).
    /// </summary>
    /// <returns>False, with nothing deleted, when the stored revision is no longer <paramref name="expectedRevision"/>.</returns>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST.</exception>
    Task<bool> DeleteAsync(Deployment current, long expectedRevision, DeploymentChange change, CancellationToken cancellationToken = default);

    /// <summary>The deployment's history, oldest first.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST.</exception>
    Task<PagedResult<DeploymentEvent>> ListEventsAsync(string name, int maxResults, string? pageToken, CancellationToken cancellationToken = default);
}

/// <summary>What a change records besides the new deployment.</summary>
/// <param name="Kind">One of <see cref="DeploymentEventKinds"/>.</param>
/// <param name="From">The state before; null for a new deployment.</param>
/// <param name="User">Who made the change.</param>
/// <param name="Reason">Why.</param>
/// <param name="Evidence">The gate evidence, a JSON object; null when none.</param>
public sealed record DeploymentChange(string Kind, DeploymentState? From, string User, string? Reason, JsonElement? Evidence);

/// <summary>A controller lease: only its holder acts until it expires.</summary>
/// <param name="Name">The lease (<c>deployments-controller</c> for the one controller).</param>
/// <param name="Holder">Who holds it (a process id such as <c>host:pid:guid</c>).</param>
/// <param name="AcquiredAt">Unix milliseconds when this holder took it.</param>
/// <param name="ExpiresAt">Unix milliseconds after which another contender may take it.</param>
public sealed record ControllerLease(string Name, string Holder, long AcquiredAt, long ExpiresAt);
