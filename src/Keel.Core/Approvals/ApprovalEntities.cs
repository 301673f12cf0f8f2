namespace Keel.Core.Approvals;

/// <summary>
/// A registered model's approval policy: how many people other than the requester must approve
/// before a version enters production, how long a request stays open, and which moves it governs.
/// </summary>
/// <param name="Name">The registered model.</param>
/// <param name="RequiredApprovals">Distinct approvers a request needs (the requester never counts). <value>Default: 1; 1 to <see cref="ApprovalRules.MaxRequiredApprovals"/>.</value></param>
/// <param name="LifetimeSeconds">How long a request may wait to be approved and used. <value>Default: 7 days; 60 s to 90 days.</value></param>
/// <param name="CoversStage">Whether moving a version to the Production stage needs an approved request. <value>Default: true.</value></param>
/// <param name="CoversAliases">Whether pointing a production alias (<c>production</c>, <c>champion</c>) at a version needs one. <value>Default: true.</value></param>
/// <param name="CoversDeployments">Whether a deployment's creation or promotion of a version to stable needs one. <value>Default: true.</value></param>
public sealed record ApprovalPolicy(
    string Name,
    int RequiredApprovals = 1,
    long LifetimeSeconds = ApprovalRules.DefaultLifetimeSeconds,
    bool CoversStage = true,
    bool CoversAliases = true,
    bool CoversDeployments = true);

/// <summary>One person's decision on a request.</summary>
/// <param name="User">Who decided (the authenticated user; with auth off, whoever the client named).</param>
/// <param name="Decision"><see cref="ApprovalDecisions.Approve"/> or <see cref="ApprovalDecisions.Reject"/>.</param>
/// <param name="Timestamp">When, in Unix milliseconds.</param>
/// <param name="Comment">Why, when given.</param>
public sealed record ApprovalDecision(string User, string Decision, long Timestamp, string? Comment);

/// <summary>A request to put one version into production through one target, and what was decided on it.</summary>
/// <param name="Name">The registered model.</param>
/// <param name="Id">The request's number within the model (1, 2, ...).</param>
/// <param name="Version">The version to promote.</param>
/// <param name="Target">What the approval covers: <c>stage:Production</c>, <c>alias:NAME</c> or <c>deployment:NAME</c> (<see cref="ApprovalTargets"/>).</param>
/// <param name="Requester">Who asked; never counts as an approver.</param>
/// <param name="Reason">Why, when given.</param>
/// <param name="CreatedAt">When it was made, Unix milliseconds.</param>
/// <param name="ExpiresAt">When it expires unless used before, Unix milliseconds.</param>
/// <param name="RequiredApprovals">The policy's count when the request was made (later policy changes do not move it).</param>
/// <param name="State">One of <see cref="ApprovalStates"/>; a pending or approved request past <paramref name="ExpiresAt"/> reads as expired.</param>
/// <param name="UpdatedAt">When the state last changed, Unix milliseconds.</param>
/// <param name="Decisions">The decisions, oldest first.</param>
public sealed record ApprovalRequest(
    string Name,
    long Id,
    string Version,
    string Target,
    string Requester,
    string? Reason,
    long CreatedAt,
    long ExpiresAt,
    int RequiredApprovals,
    string State,
    long UpdatedAt,
    IReadOnlyList<ApprovalDecision> Decisions)
{
    /// <summary>The users who approved, in the order they did.</summary>
    public IEnumerable<string> Approvers => Decisions.Where(d => d.Decision == ApprovalDecisions.Approve).Select(d => d.User);
}

/// <summary>The states of an <see cref="ApprovalRequest"/>.</summary>
public static class ApprovalStates
{
    /// <summary>Waiting for approvals.</summary>
    public const string Pending = "pending";

    /// <summary>Approved by enough people; waiting to be used by the move it covers.</summary>
    public const string Approved = "approved";

    /// <summary>Someone rejected it; it can never be used.</summary>
    public const string Rejected = "rejected";

    /// <summary>Its lifetime ran out before it was used.</summary>
    public const string Expired = "expired";

    /// <summary>The move it covers consumed it.</summary>
    public const string Used = "used";

    /// <summary>The requester withdrew it.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>Every state, in lifecycle order.</summary>
    public static readonly IReadOnlyList<string> All = [Pending, Approved, Rejected, Expired, Used, Cancelled];
}

/// <summary>The two decisions.</summary>
public static class ApprovalDecisions
{
    /// <summary>Counts toward <see cref="ApprovalRequest.RequiredApprovals"/>.</summary>
    public const string Approve = "approve";

    /// <summary>Rejects the request at once.</summary>
    public const string Reject = "reject";
}

/// <summary>
/// What the write that moves a stage or alias reads, in its own transaction, to apply the policy:
/// the model's policy and its requests for the version being moved that are approved (or used,
/// for a deployment's later moves).
/// </summary>
/// <param name="Policy">The model's policy; null when it has none (nothing is required).</param>
/// <param name="Requests">The version's approved and used requests.</param>
public sealed record ApprovalCheck(ApprovalPolicy? Policy, IReadOnlyList<ApprovalRequest> Requests);
