namespace Keel.Core.Approvals;

/// <summary>
/// The registry audit trail's entries for approvals (<see cref="Registry.RegistryEvent.Kind"/>): the
/// entry's target is the request's target (or "policy"), its from/to the request's states, and its
/// comment names the request ("request 3: ...").
/// </summary>
public static class ApprovalEventKinds
{
    /// <summary>A policy was set or changed (to: "N approvals, lifetime S s, covers ...").</summary>
    public const string PolicySet = "approval_policy_set";

    /// <summary>A policy was removed.</summary>
    public const string PolicyDeleted = "approval_policy_deleted";

    /// <summary>A request was made.</summary>
    public const string Requested = "approval_requested";

    /// <summary>Someone approved (to: the state after, pending or approved).</summary>
    public const string Approved = "approval_approved";

    /// <summary>Someone rejected.</summary>
    public const string Rejected = "approval_rejected";

    /// <summary>A request's lifetime ran out (recorded by the next approvals write on the model).</summary>
    public const string Expired = "approval_expired";

    /// <summary>The move a request covers consumed it.</summary>
    public const string Used = "approval_used";

    /// <summary>The requester withdrew a request.</summary>
    public const string Cancelled = "approval_cancelled";
}
