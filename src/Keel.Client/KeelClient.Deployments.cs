using System.Text.Json;
using Keel.Client.Http;
using Keel.Core.Deployments;
using Keel.Core.Paging;
using Keel.Core.Registry;

namespace Keel.Client;

// Deployments under /api/2.0/keel/deployments. Commands that move a deployment are not replayed
// after a lost answer: the server would refuse the repeat (INVALID_STATE), hiding that the first
// attempt went through. Reads and apply (idempotent by design) are.
public sealed partial class KeelClient : IDeploymentOperations
{
    private const string DeploymentsApi = "api/2.0/keel/deployments/";

    /// <summary>Creates a deployment serving the spec's version; production (the spec's alias and stage) moves to it through the promotion guard.</summary>
    public async Task<Deployment> CreateDeploymentAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken = default) =>
        (await PostDeploymentAsync<DeploymentAnswer>("create", new SpecBody(spec, actor.Comment, actor.Force ? true : null), actor, replayable: false, cancellationToken).ConfigureAwait(false)).Deployment!;

    /// <summary>Moves the deployment toward the spec (creating it if needed); the change is null when nothing was new.</summary>
    public async Task<DeploymentApplyResult> ApplyDeploymentAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken = default)
    {
        var answer = await PostDeploymentAsync<DeploymentAnswer>("apply", new SpecBody(spec, actor.Comment, actor.Force ? true : null), actor, replayable: true, cancellationToken).ConfigureAwait(false);
        return new DeploymentApplyResult(answer.Deployment!, answer.Change);
    }

    /// <summary>The deployment.</summary>
    public async Task<Deployment> GetDeploymentAsync(string name, CancellationToken cancellationToken = default) =>
        (await GetDeploymentJsonAsync<DeploymentAnswer>("get", QueryString.Of("name", name), cancellationToken).ConfigureAwait(false)).Deployment!;

    /// <summary>One page of deployments, by name.</summary>
    public async Task<PagedResult<Deployment>> ListDeploymentsAsync(int maxResults = 100, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var answer = await GetDeploymentJsonAsync<DeploymentsAnswer>("list", QueryString.Of("page_token", pageToken).Add("max_results", maxResults), cancellationToken).ConfigureAwait(false);
        return new PagedResult<Deployment>(answer.Deployments ?? [], EmptyToNull(answer.NextPageToken));
    }

    /// <summary>One page of a deployment's history, oldest first.</summary>
    public async Task<PagedResult<DeploymentEvent>> GetDeploymentHistoryAsync(string name, int maxResults = 1000, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var answer = await GetDeploymentJsonAsync<DeploymentEventsAnswer>("history", QueryString.Of("name", name).Add("max_results", maxResults).Add("page_token", pageToken), cancellationToken).ConfigureAwait(false);
        return new PagedResult<DeploymentEvent>(answer.Events ?? [], EmptyToNull(answer.NextPageToken));
    }

    /// <summary>Promotes the rollout now, skipping its remaining steps. <see cref="Actor.Force"/> with a comment passes a failed validation.</summary>
    public Task<Deployment> PromoteDeploymentAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        ActAsync("promote", name, actor, null, cancellationToken);

    /// <summary>Pauses a progressing rollout.</summary>
    public Task<Deployment> PauseDeploymentAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        ActAsync("pause", name, actor, null, cancellationToken);

    /// <summary>Resumes a paused rollout.</summary>
    public Task<Deployment> ResumeDeploymentAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        ActAsync("resume", name, actor, null, cancellationToken);

    /// <summary>Rolls the deployment back, keeping the evidence (a JSON object) with the event.</summary>
    public Task<Deployment> RollbackDeploymentAsync(string name, Actor actor, JsonElement? evidence = null, CancellationToken cancellationToken = default) =>
        ActAsync("rollback", name, actor, evidence, cancellationToken);

    /// <summary>Deletes a deployment and its history; during a rollout only with <see cref="Actor.Force"/> and a reason. Not retried after a lost answer.</summary>
    public async Task DeleteDeploymentAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        await PostDeploymentAsync<DeploymentAnswer>("delete", new ActionBody(name, actor.Comment, actor.Force ? true : null, null), actor, replayable: false, cancellationToken).ConfigureAwait(false);

    private async Task<Deployment> ActAsync(string verb, string name, Actor actor, JsonElement? evidence, CancellationToken cancellationToken) =>
        (await PostDeploymentAsync<DeploymentAnswer>(verb, new ActionBody(name, actor.Comment, actor.Force ? true : null, evidence), actor, replayable: false, cancellationToken).ConfigureAwait(false)).Deployment!;

    private Task<T> GetDeploymentJsonAsync<T>(string verb, QueryString query, CancellationToken cancellationToken) =>
        GetKeelJsonAsync<T>(DeploymentsApi + verb, query, cancellationToken);

    private Task<T> PostDeploymentAsync<T>(string verb, object body, Actor actor, bool replayable, CancellationToken cancellationToken) =>
        PostKeelJsonAsync<T>(DeploymentsApi + verb, body, actor, replayable, cancellationToken);

    private sealed record SpecBody(DeploymentSpec Spec, string? Comment, bool? Force);

    private sealed record ActionBody(string Name, string? Comment, bool? Force, JsonElement? Evidence);

    private sealed record DeploymentAnswer(Deployment? Deployment, string? Change);

    private sealed record DeploymentsAnswer(IReadOnlyList<Deployment>? Deployments, string? NextPageToken);

    private sealed record DeploymentEventsAnswer(IReadOnlyList<DeploymentEvent>? Events, string? NextPageToken);

    // IDeploymentOperations: the same operations under the interface's names, so callers (keel deploy) take a client or a local DeploymentService alike.
    Task<Deployment> IDeploymentOperations.CreateAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken) => CreateDeploymentAsync(spec, actor, cancellationToken);

    Task<DeploymentApplyResult> IDeploymentOperations.ApplyAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken) => ApplyDeploymentAsync(spec, actor, cancellationToken);

    Task<Deployment> IDeploymentOperations.GetAsync(string name, CancellationToken cancellationToken) => GetDeploymentAsync(name, cancellationToken);

    Task<PagedResult<Deployment>> IDeploymentOperations.ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken) => ListDeploymentsAsync(maxResults, pageToken, cancellationToken);

    Task<PagedResult<DeploymentEvent>> IDeploymentOperations.HistoryAsync(string name, int maxResults, string? pageToken, CancellationToken cancellationToken) => GetDeploymentHistoryAsync(name, maxResults, pageToken, cancellationToken);

    Task<Deployment> IDeploymentOperations.PromoteAsync(string name, Actor actor, CancellationToken cancellationToken) => PromoteDeploymentAsync(name, actor, cancellationToken);

    Task<Deployment> IDeploymentOperations.PauseAsync(string name, Actor actor, CancellationToken cancellationToken) => PauseDeploymentAsync(name, actor, cancellationToken);

    Task<Deployment> IDeploymentOperations.ResumeAsync(string name, Actor actor, CancellationToken cancellationToken) => ResumeDeploymentAsync(name, actor, cancellationToken);

    Task IDeploymentOperations.DeleteAsync(string name, Actor actor, CancellationToken cancellationToken) => DeleteDeploymentAsync(name, actor, cancellationToken);

    Task<Deployment> IDeploymentOperations.RollbackAsync(string name, Actor actor, JsonElement? evidence, CancellationToken cancellationToken) => RollbackDeploymentAsync(name, actor, evidence, cancellationToken);
}
