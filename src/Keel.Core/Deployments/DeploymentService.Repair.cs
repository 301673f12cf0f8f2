using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Deployments;

// Repairing production after a crash between a promotion's write and its alias move.
public sealed partial class DeploymentService
{
    /// <summary>
    /// Checks that the deployment's production alias (and stage, when the spec names one) points
    /// at its stable version and, when it does not, moves it there through the promotion guard.
    /// A promotion or rollback writes the deployment first and moves the alias after: a crash (or
    /// a failed registry write) between the two leaves production behind the deployment. The
    /// repair is recorded as a <see cref="DeploymentEventKinds.ProductionRepaired"/> event (and so
    /// in the registry's trail) before the alias moves, and the alias move is audited with a
    /// comment that says it is a repair.
    /// </summary>
    /// <returns>The deployment after the repair, or null when production already pointed at the stable version.</returns>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST; INVALID_PARAMETER_VALUE when the guard refuses the stable version.</exception>
    public async Task<Deployment?> RepairProductionAsync(string name, Actor actor, CancellationToken cancellationToken = default)
    {
        name = DeploymentSpecValidator.Name(name);
        actor = RegistryValidator.Actor(actor, _limits);
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
            var off = await ProductionDriftAsync(current, cancellationToken).ConfigureAwait(false);
            if (off is null)
            {
                return null;
            }

            // The stable version passed the guard (and the approval policy) when it became stable: restoring it is a return, like a rollback.
            var why = actor with { Comment = $"repair: {off}; the stable version is {current.StableVersion}", IsRollback = true };
            var recorded = await guard.CheckAsync(registry, current.Model, current.StableVersion, current.Spec.Alias!, current.Spec.Stage, why, current.Name, cancellationToken).ConfigureAwait(false);
            var next = current with { UpdatedAt = Now() };
            var transition = new DeploymentTransition(current.State, next, DeploymentEventKinds.ProductionRepaired, current.StableVersion);
            var written = await store.TryUpdateAsync(next, current.Revision, Change(transition, recorded, null), cancellationToken).ConfigureAwait(false);
            if (written is not null)
            {
                changes?.Publish(written);
                await MoveProductionAsync(written, written.StableVersion, why, cancellationToken).ConfigureAwait(false);
                return written;
            }

            ThrowIfExhausted(current, attempt);
        }
    }

    /// <summary>What is wrong with production (a sentence), or null when the alias and stage point at the stable version.</summary>
    private async Task<string?> ProductionDriftAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        string? target;
        try
        {
            target = (await registry.GetModelVersionByAliasAsync(deployment.Model, deployment.Spec.Alias!, cancellationToken).ConfigureAwait(false)).Version;
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            target = null;
        }

        if (target != deployment.StableVersion)
        {
            return target is null
                ? $"alias '{deployment.Spec.Alias}' pointed at no version"
                : $"alias '{deployment.Spec.Alias}' pointed at version {target}";
        }

        if (deployment.Spec.Stage is { } stage)
        {
            var inStage = await registry.GetLatestVersionsAsync(deployment.Model, [stage], cancellationToken).ConfigureAwait(false);
            if (!inStage.Any(v => v.Version == deployment.StableVersion))
            {
                return $"stage '{stage}' did not hold version {deployment.StableVersion}";
            }
        }

        return null;
    }
}
