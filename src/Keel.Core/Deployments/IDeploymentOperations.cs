using System.Text.Json;
using Keel.Core.Paging;
using Keel.Core.Registry;

namespace Keel.Core.Deployments;

/// <summary>
/// What a caller can do with deployments, the same whether it goes through a Keel server
/// (<c>KeelClient</c>) or runs the <see cref="DeploymentService"/> over a local store, as
/// <c>keel deploy</c> does under the one store rule.
/// </summary>
public interface IDeploymentOperations
{
    /// <summary>Creates a deployment from a spec.</summary>
    Task<Deployment> CreateAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Moves a deployment toward a spec (creating it when new); applying the same spec again changes nothing.</summary>
    Task<DeploymentApplyResult> ApplyAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>One deployment.</summary>
    Task<Deployment> GetAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>A page of deployments by name.</summary>
    Task<PagedResult<Deployment>> ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>A page of a deployment's history, oldest first.</summary>
    Task<PagedResult<DeploymentEvent>> HistoryAsync(string name, int maxResults, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>Promotes the candidate, skipping any remaining steps.</summary>
    Task<Deployment> PromoteAsync(string name, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Pauses a rollout.</summary>
    Task<Deployment> PauseAsync(string name, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Resumes a paused rollout.</summary>
    Task<Deployment> ResumeAsync(string name, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Deletes a deployment and its history (the registry's trail keeps the deletion); refused during a rollout unless forced with a reason.</summary>
    Task DeleteAsync(string name, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Rolls the candidate back (or a promotion back to the previous stable version), with optional evidence.</summary>
    Task<Deployment> RollbackAsync(string name, Actor actor, JsonElement? evidence = null, CancellationToken cancellationToken = default);
}
