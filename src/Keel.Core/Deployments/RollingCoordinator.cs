using System.Text.Json;
using Keel.Core.Registry;

namespace Keel.Core.Deployments;

/// <summary>
/// The rolling strategy's decisions, one <see cref="StepAsync"/> per deployment per tick: moves a
/// rolling rollout's replicas to the candidate one at a time (at most one unavailable), each
/// baking ready and healthy for <see cref="RollingPolicy.Bake"/> before the next moves; promotes
/// through <see cref="DeploymentService"/> when every replica runs the candidate; fails the rollout
/// (every replica back on the stable version, the evidence recorded) when a moved replica reports
/// a failed load, is not ready within <see cref="RollingPolicy.ReadyTimeout"/>, or goes silent.
/// Outside a rollout every replica is kept on the stable version. All state is in the stores, so a
/// coordinator that restarts (or another that takes the lease over) carries on where it was.
/// </summary>
/// <remarks>Run it only while holding <see cref="LeaseName"/>: two coordinators would race (harmlessly, as writes check revisions, but noisily).</remarks>
public sealed class RollingCoordinator(DeploymentService deployments, IDeploymentReplicaStore replicas, TimeProvider time, string holder)
{
    /// <summary>The store lease the rolling coordinator holds while it acts (distinct from the canary controller's <c>deployments-controller</c>).</summary>
    public const string LeaseName = "deployments-rolling";

    private Actor Actor(string why) => new($"controller:rolling:{holder}", why);

    /// <summary>Takes the one decision due for <paramref name="deployment"/> now (nothing for other strategies).</summary>
    /// <returns>What was decided.</returns>
    public async Task<RollingDecision> StepAsync(Deployment deployment, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        if (deployment.Strategy != DeploymentStrategy.Rolling)
        {
            return RollingDecision.NotRolling;
        }

        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var all = await replicas.ListAsync(deployment.Name, cancellationToken).ConfigureAwait(false);
        var stable = deployment.StableVersion;
        if (!deployment.State.IsRolloutActive())
        {
            return await ReassignAsync(deployment, all, r => r.DesiredVersion != stable, stable, cancellationToken).ConfigureAwait(false) > 0
                ? RollingDecision.Reassigned
                : RollingDecision.Steady;
        }

        var candidate = deployment.CandidateVersion!;
        await ReassignAsync(deployment, all, r => r.DesiredVersion != stable && r.DesiredVersion != candidate, stable, cancellationToken).ConfigureAwait(false);
        if (deployment.State == DeploymentState.Paused)
        {
            return RollingDecision.Held;
        }

        var (bake, readyTimeout, heartbeatTimeout) = DeploymentSpecValidator.RollingDurations(deployment.Spec.Rolling);
        var moved = all.Where(r => r.DesiredVersion == candidate).ToList();
        foreach (var r in moved)
        {
            var why = Failure(r, candidate, now, readyTimeout, heartbeatTimeout);
            if (why is not null)
            {
                await FailAsync(deployment, all, r, why, cancellationToken).ConfigureAwait(false);
                return RollingDecision.Failed;
            }
        }

        if (moved.Any(r => !Baked(r, now, bake)))
        {
            return RollingDecision.Waiting;
        }

        var rest = all.Where(r => r.DesiredVersion != candidate).OrderBy(r => r.ReplicaId, StringComparer.Ordinal).ToList();
        if (rest.Any(r => !r.IsLive(now, heartbeatTimeout) || !r.Ready))
        {
            // Another replica is unavailable already: moving one more could make two.
            return RollingDecision.Waiting;
        }

        if (rest.Count == 0)
        {
            if (moved.Count == 0)
            {
                return RollingDecision.Waiting; // No replica registered yet.
            }

            await deployments.AdvanceAsync(deployment.Name, Actor($"all {moved.Count} replicas run version {candidate}, each baked {bake}"), Evidence(all, null, null, candidate), cancellationToken).ConfigureAwait(false);
            return RollingDecision.Promoted;
        }

        var next = rest[0];
        if (await replicas.AssignAsync(deployment.Name, next.ReplicaId, candidate, cancellationToken).ConfigureAwait(false) is null)
        {
            return RollingDecision.Waiting; // Forgotten meanwhile.
        }

        var onCandidate = moved.Count + 1;
        await deployments.RecordReplicaMovedAsync(
            deployment.Name,
            Actor($"replica {next.ReplicaId} ({next.Address}) assigned version {candidate}: {onCandidate} of {all.Count}"),
            (int)Math.Round(100.0 * onCandidate / all.Count),
            Evidence(all, next, null, candidate, onCandidate),
            cancellationToken).ConfigureAwait(false);
        return RollingDecision.Moved;
    }

    /// <summary>Why a replica assigned the candidate fails the rollout, or null while it is fine.</summary>
    private static string? Failure(DeploymentReplica r, string candidate, long now, TimeSpan readyTimeout, TimeSpan heartbeatTimeout)
    {
        if (r.FailedVersion == candidate && r.LastHeartbeatAt >= r.AssignedAt)
        {
            return $"replica {r.ReplicaId} could not serve version {candidate}: {r.Detail ?? "its load failed"}";
        }

        if (!r.IsLive(now, heartbeatTimeout))
        {
            return $"replica {r.ReplicaId} sent no heartbeat for {TimeSpan.FromMilliseconds(now - r.LastHeartbeatAt)} (timeout {heartbeatTimeout})";
        }

        if (r.ConvergedAt is null && now - r.AssignedAt > (long)readyTimeout.TotalMilliseconds)
        {
            return $"replica {r.ReplicaId} did not report version {candidate} ready and healthy within {readyTimeout} (it reports version {r.ServedVersion ?? "none"}, ready {r.Ready}, healthy {r.Healthy}{(r.Detail is null ? string.Empty : ": " + r.Detail)})";
        }

        return null;
    }

    private static bool Baked(DeploymentReplica r, long now, TimeSpan bake) =>
        r.ConvergedAt is { } since && now - since >= (long)bake.TotalMilliseconds;

    private async Task FailAsync(Deployment deployment, IReadOnlyList<DeploymentReplica> all, DeploymentReplica culprit, string why, CancellationToken cancellationToken)
    {
        // Back to stable first, so the replicas turn around even if recording the failure loses a race.
        await ReassignAsync(deployment, all, r => r.DesiredVersion != deployment.StableVersion, deployment.StableVersion, cancellationToken).ConfigureAwait(false);
        await deployments.FailAsync(deployment.Name, Actor($"rolled back: {why}"), Evidence(all, culprit, why, deployment.CandidateVersion!), cancellationToken).ConfigureAwait(false);
    }

    private async Task<int> ReassignAsync(Deployment deployment, IReadOnlyList<DeploymentReplica> all, Func<DeploymentReplica, bool> which, string version, CancellationToken cancellationToken)
    {
        var count = 0;
        foreach (var r in all.Where(which))
        {
            if (await replicas.AssignAsync(deployment.Name, r.ReplicaId, version, cancellationToken).ConfigureAwait(false) is not null)
            {
                count++;
            }
        }

        return count;
    }

    private static JsonElement Evidence(IReadOnlyList<DeploymentReplica> all, DeploymentReplica? replica, string? failure, string candidate, int? onCandidate = null)
    {
        var evidence = new Dictionary<string, object?>
        {
            ["strategy"] = "rolling",
            ["candidate_version"] = candidate,
            ["replicas_on_candidate"] = onCandidate ?? all.Count(r => r.DesiredVersion == candidate),
            ["replicas"] = all.Count,
        };
        if (replica is not null)
        {
            evidence["replica"] = new Dictionary<string, object?>
            {
                ["replica_id"] = replica.ReplicaId,
                ["address"] = replica.Address,
                ["served_version"] = replica.ServedVersion,
                ["ready"] = replica.Ready,
                ["healthy"] = replica.Healthy,
                ["detail"] = replica.Detail,
                ["failed_version"] = replica.FailedVersion,
                ["last_heartbeat_at"] = replica.LastHeartbeatAt,
                ["assigned_at"] = replica.AssignedAt,
            };
        }

        if (failure is not null)
        {
            evidence["failure"] = failure;
        }

        return JsonSerializer.SerializeToElement(evidence);
    }
}

/// <summary>What <see cref="RollingCoordinator.StepAsync"/> decided.</summary>
public enum RollingDecision
{
    /// <summary>Not a rolling deployment: nothing to do.</summary>
    NotRolling,

    /// <summary>No rollout; every replica already on the stable version.</summary>
    Steady,

    /// <summary>No rollout; some replicas were told to go back to the stable version.</summary>
    Reassigned,

    /// <summary>The rollout is paused: nothing moves.</summary>
    Held,

    /// <summary>A moved replica is still warming or baking, or another is unavailable, or none is registered.</summary>
    Waiting,

    /// <summary>One more replica was assigned the candidate.</summary>
    Moved,

    /// <summary>Every replica ran the candidate through its bake: promoted.</summary>
    Promoted,

    /// <summary>A moved replica failed: the rollout failed and every replica goes back to stable.</summary>
    Failed,
}
