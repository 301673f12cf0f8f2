using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Approvals;

// The gate every move into production passes, inside the registry write that makes the move.
public sealed partial class ApprovalRules
{
    /// <summary>
    /// Applies the model's policy to a move of <paramref name="version"/> into production through
    /// <paramref name="target"/>: without a policy, or with one that does not cover the target,
    /// nothing changes. Otherwise an approved, unexpired request for exactly that version and target
    /// must exist: the oldest is consumed (state used, audited) in <paramref name="change"/>, and the
    /// actor returned for the move's own audit entry names the approvers. A deployment's moves carry
    /// the id of the deployment's request (<see cref="Actor.ApprovalId"/>) instead, which covers
    /// both its alias and its stage move. A deployment's rollback (<see cref="Actor.IsRollback"/>) passes,
    /// as the registry's rollbacks do (they never reach the gate).
    /// </summary>
    /// <exception cref="KeelException">PERMISSION_DENIED when no approved request covers the move.</exception>
    public static Actor Gate(RegistryChange change, string name, long version, string target, ApprovalCheck? check, Actor actor)
    {
        ArgumentNullException.ThrowIfNull(change);
        ArgumentNullException.ThrowIfNull(actor);
        if (check?.Policy is not { } policy || actor.IsRollback)
        {
            return actor;
        }

        var versionText = Text(version);
        ApprovalRequest? use;
        if (actor.ApprovalId is { } id)
        {
            use = check.Requests.FirstOrDefault(r => r.Id == id && r.Version == versionText && ApprovalTargets.IsDeployment(r.Target)
                && (r.State == ApprovalStates.Used || EffectiveState(r.State, r.ExpiresAt, change.Now) == ApprovalStates.Approved));
        }
        else
        {
            if (!ApprovalTargets.Covers(policy, target))
            {
                return actor;
            }

            use = check.Requests
                .Where(r => r.Version == versionText && r.Target == target && EffectiveState(r.State, r.ExpiresAt, change.Now) == ApprovalStates.Approved)
                .MinBy(r => r.Id);
        }

        if (use is null)
        {
            throw Unapproved(name, versionText, actor.ApprovalId is null ? target : "its deployment", policy);
        }

        // One approval_used entry right before each move the request covers (a deployment's request
        // covers its alias and its stage move): held-at pairs a move with the request through it.
        if (use.State == ApprovalStates.Approved)
        {
            change.Add(new RegistryWrite.SetApprovalState(name, use.Id, ApprovalStates.Used, change.Now));
        }

        change.Record(name, version, ApprovalEventKinds.Used, use.Target, use.State, ApprovalStates.Used, actor with { Comment = About(use.Id, null) });

        var approved = string.Create(CultureInfo.InvariantCulture, $"[approved by {string.Join(", ", use.Approvers)} (request {use.Id})]");
        return actor with { Comment = string.IsNullOrWhiteSpace(actor.Comment) ? approved : approved + " " + actor.Comment };
    }

    /// <summary>The refusal of a move into production no approved request covers.</summary>
    public static KeelException Unapproved(string name, string version, string target, ApprovalPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        return new KeelException(
            ErrorCode.PermissionDenied,
            string.Create(CultureInfo.InvariantCulture, $"Registered model '{name}' needs {policy.RequiredApprovals} approval(s) before a version enters production: no approved, unexpired request covers version {version} through {target}. Ask for one (keel models approvals request {name} --version {version} --target {target}; REST: POST /api/2.0/keel/approvals/requests/create) and have someone else approve it."));
    }
}
