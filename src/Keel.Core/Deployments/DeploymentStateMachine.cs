using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;

namespace Keel.Core.Deployments;

/// <summary>
/// The deployment state machine: pure functions from a deployment and a command to the next
/// deployment and the event that records it. Illegal transitions are refused with INVALID_STATE
/// naming the state and what is allowed from it. Nothing here touches a store or the registry;
/// <see cref="DeploymentService"/> persists the result.
/// </summary>
/// <remarks>
/// <code>
/// create ─► idle ──apply(new version)──► progressing ◄──resume── paused
///                                          │  ▲   └──pause──►  │
///   promoted / rolled_back / failed ───────┘  └ advance        │
///   progressing|paused ──promote──► promoted ; ──rollback──► rolled_back ; ──fail──► failed
///   promoted ──rollback──► rolled_back (previous stable restored)
/// </code>
/// </remarks>
public static class DeploymentStateMachine
{
    /// <summary>A new deployment: idle, serving the spec's version.</summary>
    public static DeploymentTransition Create(DeploymentSpec spec, long now)
    {
        ArgumentNullException.ThrowIfNull(spec);
        var deployment = new Deployment(spec.Name!, spec, spec.Version!, null, null, DeploymentState.Idle, 0, -1, 1, now, now, now, null);
        return new DeploymentTransition(null, deployment, DeploymentEventKinds.Created, spec.Version);
    }

    /// <summary>
    /// Moves <paramref name="current"/> toward <paramref name="spec"/> (both normalised), as
    /// <c>kubectl apply</c> does. Null when the spec asks for nothing new: applying the same spec
    /// twice changes nothing and records nothing.
    /// </summary>
    public static DeploymentTransition? Apply(Deployment current, DeploymentSpec spec, long now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(spec);
        if (!string.Equals(current.Model, spec.Model, StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter($"Deployment '{current.Name}' serves model '{current.Model}'; a deployment's model cannot change ('{spec.Model}' asked). Create another deployment.");
        }

        var desired = spec.Version!;
        var configChanged = !SameConfig(current.Spec, spec);
        if (current.State.IsRolloutActive())
        {
            if (desired == current.CandidateVersion)
            {
                return configChanged
                    ? throw Invalid(current, $"its spec cannot change while version {current.CandidateVersion} is rolling out. Pause, promote or roll back first, or apply the stable version {current.StableVersion} to abandon the rollout")
                    : null;
            }

            if (desired == current.StableVersion)
            {
                // The declarative abort: the spec went back to the stable version.
                var undone = Rollback(current, now);
                return undone with { Next = undone.Next with { Spec = spec } };
            }

            throw Invalid(current, $"version {current.CandidateVersion} is rolling out. Promote or roll back it before applying version {desired}");
        }

        if (desired == current.StableVersion || (desired == current.CandidateVersion && current.State is DeploymentState.RolledBack or DeploymentState.Failed))
        {
            // Nothing to roll out: the version already serves, or was rolled back and stays so.
            return !configChanged && current.Spec.Version == desired
                ? null
                : new DeploymentTransition(current.State, Touch(current, now, stateChanged: false) with { Spec = spec }, DeploymentEventKinds.SpecUpdated, null);
        }

        var started = current with
        {
            Spec = spec,
            CandidateVersion = desired,
            State = DeploymentState.Progressing,
            CandidateWeight = spec.Traffic?.CandidateWeight ?? 0,
            StepIndex = -1,
        };
        return new DeploymentTransition(current.State, Enter(Touch(started, now, stateChanged: true), 0), DeploymentEventKinds.RolloutStarted, null);
    }

    /// <summary>Ends the rollout now, skipping the remaining steps: the candidate becomes the stable version.</summary>
    public static DeploymentTransition Promote(Deployment current, long now)
    {
        ArgumentNullException.ThrowIfNull(current);
        RequireActive(current, "promote");
        var next = current with
        {
            PreviousStableVersion = current.StableVersion,
            StableVersion = current.CandidateVersion!,
            CandidateVersion = null,
            CandidateWeight = 0,
            StepIndex = -1,
            State = DeploymentState.Promoted,
        };
        return new DeploymentTransition(current.State, Touch(next, now, stateChanged: true), DeploymentEventKinds.Promoted, next.StableVersion);
    }

    /// <summary>Holds a progressing rollout where it is.</summary>
    public static DeploymentTransition Pause(Deployment current, long now)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.State != DeploymentState.Progressing)
        {
            throw Invalid(current, "only a progressing rollout can be paused");
        }

        return new DeploymentTransition(current.State, Touch(current with { State = DeploymentState.Paused }, now, stateChanged: true), DeploymentEventKinds.Paused, null);
    }

    /// <summary>Lets a paused rollout go on; a manual pause step is thereby done, so the next step begins.</summary>
    public static DeploymentTransition Resume(Deployment current, long now)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.State != DeploymentState.Paused)
        {
            throw Invalid(current, "only a paused rollout can be resumed");
        }

        var resumed = Touch(current with { State = DeploymentState.Progressing }, now, stateChanged: true);
        if (CurrentStep(current) is { Pause: { Duration: null, MinRequests: null } })
        {
            var advanced = Advance(resumed, now);
            return advanced with { From = current.State, Kind = advanced.Kind == DeploymentEventKinds.Promoted ? advanced.Kind : DeploymentEventKinds.Resumed };
        }

        return new DeploymentTransition(current.State, resumed, DeploymentEventKinds.Resumed, null);
    }

    /// <summary>
    /// Undoes a rollout: the candidate's traffic goes to 0 and the candidate is kept as the version
    /// that was rolled back. After a promotion, restores the previous stable version.
    /// </summary>
    public static DeploymentTransition Rollback(Deployment current, long now)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.State.IsRolloutActive())
        {
            var next = current with { State = DeploymentState.RolledBack, CandidateWeight = 0 };
            return new DeploymentTransition(current.State, Touch(next, now, stateChanged: true), DeploymentEventKinds.RolledBack, null);
        }

        if (current.State == DeploymentState.Promoted && current.PreviousStableVersion is { } previous)
        {
            var next = current with
            {
                StableVersion = previous,
                PreviousStableVersion = null,
                CandidateVersion = current.StableVersion,
                CandidateWeight = 0,
                StepIndex = -1,
                State = DeploymentState.RolledBack,
            };
            return new DeploymentTransition(current.State, Touch(next, now, stateChanged: true), DeploymentEventKinds.RolledBack, previous);
        }

        throw Invalid(current, "there is no rollout to roll back (a rollout under way, or the last promotion, can be)");
    }

    /// <summary>The controller's verdict that the rollout cannot go on: the candidate's traffic goes to 0.</summary>
    public static DeploymentTransition Fail(Deployment current, long now)
    {
        ArgumentNullException.ThrowIfNull(current);
        RequireActive(current, "fail");
        var next = current with { State = DeploymentState.Failed, CandidateWeight = 0 };
        return new DeploymentTransition(current.State, Touch(next, now, stateChanged: true), DeploymentEventKinds.Failed, null);
    }

    /// <summary>
    /// The controller's step: the current step is done, the next begins (a <c>set_weight</c> sets
    /// the weight as it begins; a manual pause pauses). Past the last step the rollout is promoted.
    /// </summary>
    public static DeploymentTransition Advance(Deployment current, long now)
    {
        ArgumentNullException.ThrowIfNull(current);
        if (current.State != DeploymentState.Progressing)
        {
            throw Invalid(current, "only a progressing rollout advances");
        }

        var steps = current.Spec.Steps ?? [];
        if (current.StepIndex + 1 >= steps.Count)
        {
            return Promote(current, now);
        }

        return new DeploymentTransition(current.State, Enter(Touch(current, now, stateChanged: true), current.StepIndex + 1), DeploymentEventKinds.StepAdvanced, null);
    }

    /// <summary>The step being run, or null.</summary>
    public static DeploymentStep? CurrentStep(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        var steps = deployment.Spec.Steps ?? [];
        return deployment.StepIndex >= 0 && deployment.StepIndex < steps.Count ? steps[deployment.StepIndex] : null;
    }

    /// <summary>Whether two normalised specs ask for the same thing, the version aside.</summary>
    public static bool SameConfig(DeploymentSpec a, DeploymentSpec b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Canonical(a) == Canonical(b);
    }

    /// <summary>
    /// A spec as the current validator writes it, without its version: a spec stored before a
    /// default was added (e.g. the latency gate's <c>min_increase_ms</c>) equals the same file
    /// applied again, so re-applying it mid-rollout is not refused as a change. One the current
    /// rules refuse is compared as stored.
    /// </summary>
    private static string Canonical(DeploymentSpec spec)
    {
        try
        {
            spec = DeploymentSpecValidator.Normalize(spec);
        }
        catch (KeelException)
        {
            // Stored under older rules: compared as it is.
        }

        return JsonSerializer.Serialize(spec with { Version = null }, KeelJson.Options);
    }

    private static Deployment Enter(Deployment deployment, int index)
    {
        var steps = deployment.Spec.Steps ?? [];
        if (index >= steps.Count)
        {
            return deployment with { StepIndex = -1 };
        }

        var step = steps[index];
        var next = deployment with { StepIndex = index };
        if (step.SetWeight is { } weight)
        {
            next = next with { CandidateWeight = weight };
        }
        else if (step.Pause is { Duration: null, MinRequests: null })
        {
            next = next with { State = DeploymentState.Paused };
        }

        return next;
    }

    private static Deployment Touch(Deployment deployment, long now, bool stateChanged) =>
        deployment with { UpdatedAt = now, StateChangedAt = stateChanged ? now : deployment.StateChangedAt };

    private static void RequireActive(Deployment current, string verb)
    {
        if (!current.State.IsRolloutActive())
        {
            throw Invalid(current, $"there is no rollout to {verb}; apply a spec with a new version to start one");
        }
    }

    private static KeelException Invalid(Deployment current, string why) =>
        new(ErrorCode.InvalidState, $"Deployment '{current.Name}' is {current.State.ToWireName()}: {why}.");
}

/// <summary>The result of a command: the next deployment, the kind of event that records it, and the version production must point at when it moves.</summary>
/// <param name="From">The state before; null for a new deployment.</param>
/// <param name="Next">The deployment after (its revision is the store's to set).</param>
/// <param name="Kind">One of <see cref="DeploymentEventKinds"/>.</param>
/// <param name="ProductionVersion">The version the production alias (and stage) must point at after this change; null when production does not move.</param>
public sealed record DeploymentTransition(DeploymentState? From, Deployment Next, string Kind, string? ProductionVersion);
