using System.Text.Json;
using Keel.Client;
using Keel.Core.Deployments;
using Keel.Core.Paging;
using Keel.Core.Registry;

namespace Keel.Cli.Deploy;

/// <summary>The deployment commands <c>keel deploy</c> runs: the server's REST API, or the deployment service over the local store (the one store rule).</summary>
internal interface IDeploymentCommands
{
    Task<Deployment> CreateAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken);

    Task<DeploymentApplyResult> ApplyAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken);

    Task<Deployment> GetAsync(string name, CancellationToken cancellationToken);

    Task<PagedResult<Deployment>> ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken);

    Task<PagedResult<DeploymentEvent>> HistoryAsync(string name, int maxResults, string? pageToken, CancellationToken cancellationToken);

    Task<Deployment> PromoteAsync(string name, Actor actor, CancellationToken cancellationToken);

    Task<Deployment> PauseAsync(string name, Actor actor, CancellationToken cancellationToken);

    Task<Deployment> ResumeAsync(string name, Actor actor, CancellationToken cancellationToken);

    Task<Deployment> RollbackAsync(string name, Actor actor, JsonElement? evidence, CancellationToken cancellationToken);
}

/// <summary>Through a Keel server.</summary>
internal sealed class ClientDeploymentCommands(KeelClient client) : IDeploymentCommands
{
    public Task<Deployment> CreateAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken) => client.CreateDeploymentAsync(spec, actor, cancellationToken);

    public Task<DeploymentApplyResult> ApplyAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken) => client.ApplyDeploymentAsync(spec, actor, cancellationToken);

    public Task<Deployment> GetAsync(string name, CancellationToken cancellationToken) => client.GetDeploymentAsync(name, cancellationToken);

    public Task<PagedResult<Deployment>> ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken) => client.ListDeploymentsAsync(maxResults, pageToken, cancellationToken);

    public Task<PagedResult<DeploymentEvent>> HistoryAsync(string name, int maxResults, string? pageToken, CancellationToken cancellationToken) => client.GetDeploymentHistoryAsync(name, maxResults, pageToken, cancellationToken);

    public Task<Deployment> PromoteAsync(string name, Actor actor, CancellationToken cancellationToken) => client.PromoteDeploymentAsync(name, actor, cancellationToken);

    public Task<Deployment> PauseAsync(string name, Actor actor, CancellationToken cancellationToken) => client.PauseDeploymentAsync(name, actor, cancellationToken);

    public Task<Deployment> ResumeAsync(string name, Actor actor, CancellationToken cancellationToken) => client.ResumeDeploymentAsync(name, actor, cancellationToken);

    public Task<Deployment> RollbackAsync(string name, Actor actor, JsonElement? evidence, CancellationToken cancellationToken) => client.RollbackDeploymentAsync(name, actor, evidence, cancellationToken);
}

/// <summary>On the local store, through the same <see cref="DeploymentService"/> the server runs.</summary>
internal sealed class LocalDeploymentCommands(DeploymentService service) : IDeploymentCommands
{
    public Task<Deployment> CreateAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken) => service.CreateAsync(spec, actor, cancellationToken);

    public Task<DeploymentApplyResult> ApplyAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken) => service.ApplyAsync(spec, actor, cancellationToken);

    public Task<Deployment> GetAsync(string name, CancellationToken cancellationToken) => service.GetAsync(name, cancellationToken);

    public Task<PagedResult<Deployment>> ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken) => service.ListAsync(maxResults, pageToken, cancellationToken);

    public Task<PagedResult<DeploymentEvent>> HistoryAsync(string name, int maxResults, string? pageToken, CancellationToken cancellationToken) => service.HistoryAsync(name, maxResults, pageToken, cancellationToken);

    public Task<Deployment> PromoteAsync(string name, Actor actor, CancellationToken cancellationToken) => service.PromoteAsync(name, actor, cancellationToken);

    public Task<Deployment> PauseAsync(string name, Actor actor, CancellationToken cancellationToken) => service.PauseAsync(name, actor, cancellationToken);

    public Task<Deployment> ResumeAsync(string name, Actor actor, CancellationToken cancellationToken) => service.ResumeAsync(name, actor, cancellationToken);

    public Task<Deployment> RollbackAsync(string name, Actor actor, JsonElement? evidence, CancellationToken cancellationToken) => service.RollbackAsync(name, actor, evidence, cancellationToken);
}
