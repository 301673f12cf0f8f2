using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Approvals;

// Policies, requests, decisions, cancellation and expiry.
public sealed partial class ApprovalRules
{
    /// <summary>Sets a model's policy (already checked with <see cref="ValidatePolicy"/>).</summary>
    public RegistryChange SetPolicy(ApprovalPolicy policy, Actor actor, bool modelExists, long now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(actor);
        RegistryValidator.Actor(actor, Limits);
        if (!modelExists)
        {
            throw RegistryRules.ModelNotFound(policy.Name);
        }

        var change = New(now);
        change.Add(new RegistryWrite.UpsertApprovalPolicy(policy, actor.User, now));
        change.Record(policy.Name, null, ApprovalEventKinds.PolicySet, "policy", null, Describe(policy), actor);
        return change;
    }

    /// <summary>Removes a model's policy; RESOURCE_DOES_NOT_EXIST when it has none.</summary>
    public RegistryChange DeletePolicy(string name, Actor actor, bool modelExists, ApprovalPolicy? current, long now)
    {
        RegistryValidator.Actor(actor, Limits);
        if (!modelExists)
        {
            throw RegistryRules.ModelNotFound(name);
        }

        var old = current ?? throw KeelException.NotFound($"Registered model '{name}' has no approval policy.");
        var change = New(now);
        change.Add(new RegistryWrite.DeleteApprovalPolicy(name));
        change.Record(name, null, ApprovalEventKinds.PolicyDeleted, "policy", Describe(old), null, actor);
        return change;
    }

    /// <summary>
    /// Makes request number <c>maxId + 1</c> for a live version (the caller holds the model's lock
    /// between reading <paramref name="maxId"/> and applying the change), after recording the expiry
    /// of the model's open requests that ran out.
    /// </summary>
    /// <remarks><c>target</c>: canonical (<see cref="ApprovalTargets.Parse"/>); <c>open</c>: the model's pending and approved requests (as stored).</remarks>
    public RegistryChange CreateRequest(string name, long version, string target, Actor actor, RegistryVersionState state, ApprovalPolicy? policy, IReadOnlyList<ApprovalRequest> open, long? maxId, long now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        RegistryValidator.Actor(actor, Limits);
        ArgumentNullException.ThrowIfNull(open);
        RegistryRules.RequireLiveVersion(name, version, state);
        if (policy is null)
        {
            throw new KeelException(ErrorCode.InvalidState, $"Registered model '{name}' has no approval policy: its promotions need no approval.");
        }

        if (!ApprovalTargets.Covers(policy, target))
        {
            throw new KeelException(ErrorCode.InvalidState, $"The approval policy of '{name}' does not cover {target}: that move needs no approval.");
        }

        var change = New(now);
        var live = Sweep(change, name, open, now);
        var versionText = Text(version);
        if (live.FirstOrDefault(r => r.Version == versionText && r.Target == target) is { } existing)
        {
            throw KeelException.AlreadyExists(string.Create(CultureInfo.InvariantCulture, $"Request {existing.Id} already asks to put version {version} of '{name}' into production through {target} ({existing.State})."));
        }

        var id = (maxId ?? 0) + 1;
        change.Add(new RegistryWrite.InsertApprovalRequest(name, id, version, target, actor.User, actor.Comment, now, now + (policy.LifetimeSeconds * 1000), policy.RequiredApprovals));
        change.Record(name, version, ApprovalEventKinds.Requested, target, null, ApprovalStates.Pending, actor with { Comment = About(id, actor.Comment) });
        return change;
    }

    /// <summary>
    /// Records <paramref name="actor"/>'s decision on <paramref name="request"/>: the requester is
    /// refused (four eyes), as is a second decision by the same user; enough approvals approve it,
    /// one rejection rejects it (also after it was approved, until it is used). An expired request
    /// is recorded as expired and the decision refused.
    /// </summary>
    /// <remarks><c>request</c>: the request as stored, null when there is none; <c>open</c>: the model's pending and approved requests.</remarks>
    public ApprovalOutcome Decide(string name, long id, ApprovalRequest? request, string decision, Actor actor, IReadOnlyList<ApprovalRequest> open, long now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        RegistryValidator.Actor(actor, Limits);
        ArgumentNullException.ThrowIfNull(open);
        decision = ParseDecision(decision);
        var found = request ?? throw RequestNotFound(name, id);
        var change = New(now);
        var state = Closed(change, name, found, open, now);
        if (state is not (ApprovalStates.Pending or ApprovalStates.Approved) || (state == ApprovalStates.Approved && decision == ApprovalDecisions.Approve))
        {
            return new(change, new KeelException(ErrorCode.InvalidState, string.Create(CultureInfo.InvariantCulture, $"Approval request {id} of '{name}' is {state}: it takes no more approvals.")));
        }

        if (string.Equals(found.Requester, actor.User, StringComparison.Ordinal))
        {
            throw new KeelException(ErrorCode.PermissionDenied, string.Create(CultureInfo.InvariantCulture, $"'{actor.User}' made approval request {id} and cannot decide on it: someone else must (four eyes)."));
        }

        if (found.Decisions.Any(d => string.Equals(d.User, actor.User, StringComparison.Ordinal)))
        {
            throw new KeelException(ErrorCode.InvalidState, string.Create(CultureInfo.InvariantCulture, $"'{actor.User}' already decided on approval request {id}: one decision per user."));
        }

        var version = RegistryRules.ParseVersion(found.Version);
        change.Add(new RegistryWrite.InsertApprovalDecision(name, id, actor.User, decision, now, actor.Comment));
        var next = decision == ApprovalDecisions.Reject ? ApprovalStates.Rejected
            : found.Approvers.Count() + 1 >= found.RequiredApprovals ? ApprovalStates.Approved
            : ApprovalStates.Pending;
        if (next != state)
        {
            change.Add(new RegistryWrite.SetApprovalState(name, id, next, now));
        }

        var kind = decision == ApprovalDecisions.Reject ? ApprovalEventKinds.Rejected : ApprovalEventKinds.Approved;
        change.Record(name, version, kind, found.Target, state, next, actor with { Comment = About(id, actor.Comment) });
        return new(change, null);
    }

    /// <summary>Withdraws a pending or approved request; only its requester may.</summary>
    public ApprovalOutcome Cancel(string name, long id, ApprovalRequest? request, Actor actor, IReadOnlyList<ApprovalRequest> open, long now)
    {
        ArgumentNullException.ThrowIfNull(actor);
        RegistryValidator.Actor(actor, Limits);
        var found = request ?? throw RequestNotFound(name, id);
        if (!string.Equals(found.Requester, actor.User, StringComparison.Ordinal))
        {
            throw new KeelException(ErrorCode.PermissionDenied, string.Create(CultureInfo.InvariantCulture, $"Only '{found.Requester}', who made approval request {id}, can cancel it."));
        }

        var change = New(now);
        var state = Closed(change, name, found, open, now);
        if (state is not (ApprovalStates.Pending or ApprovalStates.Approved))
        {
            return new(change, new KeelException(ErrorCode.InvalidState, string.Create(CultureInfo.InvariantCulture, $"Approval request {id} of '{name}' is {state}: nothing to cancel.")));
        }

        change.Add(new RegistryWrite.SetApprovalState(name, id, ApprovalStates.Cancelled, now));
        change.Record(name, RegistryRules.ParseVersion(found.Version), ApprovalEventKinds.Cancelled, found.Target, state, ApprovalStates.Cancelled, actor with { Comment = About(id, actor.Comment) });
        return new(change, null);
    }

    /// <summary>Records the expiry of every open request that ran out; returns the ones still open.</summary>
    private static List<ApprovalRequest> Sweep(RegistryChange change, string name, IReadOnlyList<ApprovalRequest> open, long now)
    {
        var live = new List<ApprovalRequest>();
        foreach (var r in open.OrderBy(r => r.Id))
        {
            if (EffectiveState(r.State, r.ExpiresAt, now) != ApprovalStates.Expired)
            {
                live.Add(r);
                continue;
            }

            change.Add(new RegistryWrite.SetApprovalState(name, r.Id, ApprovalStates.Expired, now));
            change.Record(name, RegistryRules.ParseVersion(r.Version), ApprovalEventKinds.Expired, r.Target, r.State, ApprovalStates.Expired, new Actor("keel", About(r.Id, null)));
        }

        return live;
    }

    /// <summary>Sweeps, and returns the request's state after the sweep.</summary>
    private static string Closed(RegistryChange change, string name, ApprovalRequest request, IReadOnlyList<ApprovalRequest> open, long now)
    {
        var live = Sweep(change, name, open, now);
        return request.State is ApprovalStates.Pending or ApprovalStates.Approved && !live.Any(r => r.Id == request.Id)
            ? ApprovalStates.Expired
            : request.State;
    }

    private static string About(long id, string? comment) =>
        string.IsNullOrWhiteSpace(comment) ? "request " + Text(id) : "request " + Text(id) + ": " + comment;

    private static string Describe(ApprovalPolicy p)
    {
        var covers = new List<string>();
        if (p.CoversStage)
        {
            covers.Add("stage");
        }

        if (p.CoversAliases)
        {
            covers.Add("aliases");
        }

        if (p.CoversDeployments)
        {
            covers.Add("deployments");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{p.RequiredApprovals} approval(s), lifetime {p.LifetimeSeconds} s, covers {string.Join("+", covers)}");
    }
}
