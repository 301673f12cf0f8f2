using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Paging;
using Keel.Core.Registry;
using Keel.Core.Validation;

namespace Keel.Core.Deployments;

/// <summary>
/// The deployment commands every entry point runs: validates, checks the versions against the
/// registry, applies the <see cref="DeploymentStateMachine"/>, passes production moves through the
/// <see cref="IPromotionGuard"/>, and writes the result with its audited event. A write that lost a
/// race (the revision moved) is decided again on what is stored now, so a second promote of the
/// same rollout is refused rather than applied twice.
/// </summary>
public sealed partial class DeploymentService(IDeploymentStore store, IRegistryStore registry, IPromotionGuard guard, TimeProvider time, InputLimits? limits = null, DeploymentChangeFeed? changes = null) : IDeploymentOperations
{
    /// <summary>How many times a command is decided again after losing a race before it gives up.</summary>
    public const int MaxAttempts = 5;

    /// <summary>The largest gate evidence kept with an event, in bytes of JSON.</summary>
    public const int MaxEvidenceBytes = 64 * 1024;

    private readonly InputLimits _limits = limits ?? InputLimits.Default;

    /// <summary>Where this service reports every deployment it stored; null when nothing in the process listens.</summary>
    public DeploymentChangeFeed? Changes => changes;

    /// <summary>The store (for the controller, which takes its lease there).</summary>
    public IDeploymentStore Store => store;

    /// <summary>Creates a deployment serving the spec's version, and points the production alias (and stage) at it.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad spec or a version that does not exist; RESOURCE_ALREADY_EXISTS.</exception>
    public async Task<Deployment> CreateAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken = default)
    {
        var normalized = DeploymentSpecValidator.Normalize(spec);
        actor = RegistryValidator.Actor(actor, _limits);
        await RequireVersionAsync(normalized.Model!, normalized.Version!, "version", cancellationToken).ConfigureAwait(false);
        var transition = DeploymentStateMachine.Create(normalized, Now());
        var recorded = await guard.CheckAsync(registry, normalized.Model!, normalized.Version!, normalized.Alias!, normalized.Stage, actor, normalized.Name, cancellationToken).ConfigureAwait(false);
        var created = await store.CreateAsync(transition.Next, Change(transition, recorded, null), cancellationToken).ConfigureAwait(false);
        changes?.Publish(created);
        await MoveProductionAsync(created, normalized.Version!, actor with { ApprovalId = recorded.ApprovalId }, cancellationToken).ConfigureAwait(false);
        return created;
    }

    /// <summary>
    /// Moves the deployment toward <paramref name="spec"/>, creating it when it does not exist.
    /// Applying the spec the deployment already has changes nothing and records nothing.
    /// </summary>
    public async Task<DeploymentApplyResult> ApplyAsync(DeploymentSpec spec, Actor actor, CancellationToken cancellationToken = default)
    {
        var normalized = DeploymentSpecValidator.Normalize(spec);
        actor = RegistryValidator.Actor(actor, _limits);
        await RequireVersionAsync(normalized.Model!, normalized.Version!, "version", cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; ; attempt++)
        {
            var current = await FindAsync(normalized.Name!, cancellationToken).ConfigureAwait(false);
            if (current is null)
            {
                try
                {
                    return new DeploymentApplyResult(await CreateAsync(normalized, actor, cancellationToken).ConfigureAwait(false), DeploymentEventKinds.Created);
                }
                catch (KeelException e) when (e.Code == ErrorCode.ResourceAlreadyExists && attempt + 1 < MaxAttempts)
                {
                    continue; // Created meanwhile by another writer: apply to it.
                }
            }

            var transition = DeploymentStateMachine.Apply(current, normalized, Now());
            if (transition is null)
            {
                return new DeploymentApplyResult(current, null);
            }

            var written = await TryWriteAsync(current, transition, actor, null, cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                return new DeploymentApplyResult(written, transition.Kind);
            }

            ThrowIfExhausted(current, attempt);
        }
    }

    /// <summary>The deployment.</summary>
    public Task<Deployment> GetAsync(string name, CancellationToken cancellationToken = default) =>
        store.GetAsync(DeploymentSpecValidator.Name(name), cancellationToken);

    /// <summary>Deployments by name.</summary>
    public Task<PagedResult<Deployment>> ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default) =>
        store.ListAsync(maxResults, pageToken, cancellationToken);

    /// <summary>The deployment's history, oldest first.</summary>
    public Task<PagedResult<DeploymentEvent>> HistoryAsync(string name, int maxResults, string? pageToken, CancellationToken cancellationToken = default) =>
        store.ListEventsAsync(DeploymentSpecValidator.Name(name), maxResults, pageToken, cancellationToken);

    /// <summary>Promotes the rollout now, skipping its remaining steps; production moves to the candidate through the guard.</summary>
    public Task<Deployment> PromoteAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        RunAsync(name, actor, null, DeploymentStateMachine.Promote, cancellationToken);

    /// <summary>Pauses a progressing rollout.</summary>
    public Task<Deployment> PauseAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        RunAsync(name, actor, null, DeploymentStateMachine.Pause, cancellationToken);

    /// <summary>Resumes a paused rollout.</summary>
    public Task<Deployment> ResumeAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        RunAsync(name, actor, null, DeploymentStateMachine.Resume, cancellationToken);

    /// <summary>Rolls back: the candidate's traffic goes to 0 (after a promotion, production returns to the previous stable version). The evidence is kept with the event.</summary>
    public Task<Deployment> RollbackAsync(string name, Actor actor, JsonElement? evidence = null, CancellationToken cancellationToken = default) =>
        RunAsync(name, actor, evidence, DeploymentStateMachine.Rollback, cancellationToken);

    /// <summary>The controller's verdict that a rollout cannot go on (the candidate would not load, a replica failed).</summary>
    public Task<Deployment> FailAsync(string name, Actor actor, JsonElement? evidence = null, CancellationToken cancellationToken = default) =>
        RunAsync(name, actor, evidence, DeploymentStateMachine.Fail, cancellationToken);

    /// <summary>The controller's step: the current step is done (its evidence kept), the next begins; past the last, the rollout is promoted.</summary>
    public Task<Deployment> AdvanceAsync(string name, Actor actor, JsonElement? evidence = null, CancellationToken cancellationToken = default) =>
        RunAsync(name, actor, evidence, DeploymentStateMachine.Advance, cancellationToken);
}

/// <summary>What an apply did.</summary>
/// <param name="Deployment">The deployment after the apply.</param>
/// <param name="Change">The kind of event recorded (<see cref="DeploymentEventKinds"/>); null when the spec asked for nothing new.</param>
public sealed record DeploymentApplyResult(Deployment Deployment, string? Change);
