using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Deployments;

// Deleting a deployment.
public sealed partial class DeploymentService
{
    /// <summary>
    /// Deletes a deployment and its history; the registry's audit trail keeps a
    /// <c>deployment_deleted</c> entry (who, when, why, the versions it served). Production (the
    /// alias, the stage) is left where it points. A deployment whose rollout is under way
    /// (progressing or paused) is refused unless <see cref="Actor.Force"/> is set with a reason, as
    /// a rollout is usually aborted (rolled back) or promoted before its resource goes.
    /// </summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST; INVALID_STATE for an active rollout not forced; INVALID_PARAMETER_VALUE for a force without a reason.</exception>
    public async Task DeleteAsync(string name, Actor actor, CancellationToken cancellationToken = default)
    {
        name = DeploymentSpecValidator.Name(name);
        actor = RegistryValidator.Actor(actor, _limits);
        for (var attempt = 0; ; attempt++)
        {
            var current = await store.GetAsync(name, cancellationToken).ConfigureAwait(false);
            if (current.State.IsRolloutActive())
            {
                if (!actor.Force)
                {
                    throw new KeelException(ErrorCode.InvalidState, $"Deployment '{name}' is {current.State.ToWireName()}: version {current.CandidateVersion} is rolling out. Roll it back or promote it first, or delete with force and a reason.");
                }

                if (string.IsNullOrWhiteSpace(actor.Comment))
                {
                    throw KeelException.InvalidParameter($"Deleting deployment '{name}' during its rollout needs a reason ('comment') with 'force'.");
                }
            }

            var why = actor.Force && current.State.IsRolloutActive() ? actor with { Comment = "forced during a rollout: " + actor.Comment } : actor;
            var change = new DeploymentChange(DeploymentEventKinds.Deleted, current.State, why.User, why.Comment, null);
            if (await store.DeleteAsync(current with { UpdatedAt = Now() }, current.Revision, change, cancellationToken).ConfigureAwait(false))
            {
                return;
            }

            ThrowIfExhausted(current, attempt);
        }
    }
}
