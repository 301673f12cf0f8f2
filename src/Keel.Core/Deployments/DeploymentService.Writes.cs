using System.Globalization;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Registry;

namespace Keel.Core.Deployments;

// Reading, deciding, writing and retrying; moving production through the guard.
public sealed partial class DeploymentService
{
    private async Task<Deployment> RunAsync(string name, Actor actor, JsonElement? evidence, Func<Deployment, long, DeploymentTransition> command, CancellationToken cancellationToken)
    {
        name = DeploymentSpecValidator.Name(name);
        actor = RegistryValidator.Actor(actor, _limits);
        evidence = Evidence(evidence);
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
            var transition = command(current, Now());
            var written = await TryWriteAsync(current, transition, actor, evidence, cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                return written;
            }

            ThrowIfExhausted(current, attempt);
        }
    }

    /// <summary>
    /// Checks the guard before anything is written, writes if the revision still holds, then moves
    /// production. A rollback returns production to the previous stable version and needs no
    /// approval; a promotion needs the deployment's approved request when the model has a policy.
    /// </summary>
    private async Task<Deployment?> TryWriteAsync(Deployment current, DeploymentTransition transition, Actor actor, JsonElement? evidence, CancellationToken cancellationToken)
    {
        var recorded = actor;
        if (transition.Kind == DeploymentEventKinds.RolledBack)
        {
            actor = actor with { IsRollback = true };
        }

        if (transition.ProductionVersion is { } target)
        {
            recorded = await guard.CheckAsync(registry, current.Model, target, transition.Next.Spec.Alias!, transition.Next.Spec.Stage, actor, current.Name, cancellationToken).ConfigureAwait(false);
            actor = actor with { ApprovalId = recorded.ApprovalId };
        }

        var written = await store.TryUpdateAsync(transition.Next, current.Revision, Change(transition, recorded, evidence), cancellationToken).ConfigureAwait(false);
        if (written is not null)
        {
            changes?.Publish(written);
        }

        if (written is not null && transition.ProductionVersion is { } version)
        {
            // The registry store applies the guard again as the alias moves: give it the caller's own actor.
            await MoveProductionAsync(written, version, actor, cancellationToken).ConfigureAwait(false);
        }

        return written;
    }

    /// <summary>Points the deployment's alias (and stage) at <paramref name="version"/>; the registry audits each move.</summary>
    private async Task MoveProductionAsync(Deployment deployment, string version, Actor actor, CancellationToken cancellationToken)
    {
        var why = actor with { Comment = $"deployment '{deployment.Name}': {actor.Comment ?? "no reason given"}" };
        await registry.SetAliasAsync(deployment.Model, deployment.Spec.Alias!, version, why, cancellationToken).ConfigureAwait(false);
        if (deployment.Spec.Stage is { } stage)
        {
            await registry.TransitionStageAsync(deployment.Model, version, stage, archiveExistingVersions: true, why, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task RequireVersionAsync(string model, string version, string field, CancellationToken cancellationToken)
    {
        try
        {
            await registry.GetModelVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            throw KeelException.InvalidParameter($"Invalid '{field}': version {version} of registered model '{model}' does not exist ({e.Message}).");
        }
    }

    private async Task<Deployment?> FindAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            return await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return null;
        }
    }

    private static DeploymentChange Change(DeploymentTransition transition, Actor actor, JsonElement? evidence) =>
        new(transition.Kind, transition.From, actor.User, actor.Comment, evidence);

    private static JsonElement? Evidence(JsonElement? evidence)
    {
        if (evidence is not { } e || e.ValueKind is JsonValueKind.Null or JsonValueKind.Undefined)
        {
            return null;
        }

        if (e.ValueKind != JsonValueKind.Object)
        {
            throw KeelException.InvalidParameter("'evidence' must be a JSON object.");
        }

        var bytes = JsonSerializer.SerializeToUtf8Bytes(e, KeelJson.Options);
        if (bytes.Length > MaxEvidenceBytes)
        {
            throw KeelException.InvalidParameter(string.Create(CultureInfo.InvariantCulture, $"'evidence' is {bytes.Length} bytes of JSON; at most {MaxEvidenceBytes} are kept."));
        }

        return e.Clone();
    }

    private static void ThrowIfExhausted(Deployment current, int attempt)
    {
        if (attempt + 1 >= MaxAttempts)
        {
            throw new KeelException(ErrorCode.InvalidState, $"Deployment '{current.Name}' kept changing while this request was decided ({MaxAttempts} attempts); try again.");
        }
    }

    private long Now() => time.GetUtcNow().ToUnixTimeMilliseconds();
}
