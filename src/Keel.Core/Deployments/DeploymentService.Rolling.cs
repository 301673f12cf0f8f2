using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Deployments;

// The rolling coordinator's progress record: one event per replica moved to the candidate.
public sealed partial class DeploymentService
{
    /// <summary>
    /// Records that a rolling rollout moved one more replica to the candidate: the candidate's
    /// weight becomes <paramref name="percentOnCandidate"/> (the share of replicas assigned it) and
    /// a <c>replica_moved</c> event keeps the evidence.
    /// </summary>
    /// <exception cref="KeelException">INVALID_STATE unless a rolling rollout is progressing.</exception>
    public Task<Deployment> RecordReplicaMovedAsync(string name, Actor actor, int percentOnCandidate, JsonElement? evidence, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentOnCandidate, 0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentOnCandidate, 100);
        return RunAsync(name, actor, evidence, (current, now) =>
        {
            if (current.State != DeploymentState.Progressing || current.Strategy != DeploymentStrategy.Rolling)
            {
                throw new KeelException(ErrorCode.InvalidState, $"Deployment '{current.Name}' is {current.State.ToWireName()} ({current.Strategy.ToWireName()}): only a progressing rolling rollout moves replicas.");
            }

            var next = current with { CandidateWeight = percentOnCandidate, UpdatedAt = now };
            return new DeploymentTransition(current.State, next, DeploymentEventKinds.ReplicaMoved, null);
        }, cancellationToken);
    }
}
