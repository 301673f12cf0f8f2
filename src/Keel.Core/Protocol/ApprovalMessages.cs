using Keel.Core.Approvals;

namespace Keel.Core.Protocol;

// Keel's approvals API under /api/2.0/keel/approvals (docs/approvals.md).

/// <summary><c>POST policy/set</c>: omitted fields take the policy defaults (1 approval, 7 days, every kind of move).</summary>
public sealed record SetApprovalPolicyRequest(
    string? Name,
    int? RequiredApprovals = null,
    long? LifetimeSeconds = null,
    bool? CoversStage = null,
    bool? CoversAliases = null,
    bool? CoversDeployments = null,
    string? Comment = null);

/// <summary>A model's policy; null when it has none.</summary>
public sealed record ApprovalPolicyResponse(ApprovalPolicy? Policy);

/// <summary><c>POST policy/delete</c>.</summary>
public sealed record DeleteApprovalPolicyRequest(string? Name, string? Comment = null);

/// <summary><c>POST requests/create</c>: the signed-in user asks; the reason is kept.</summary>
public sealed record CreateApprovalRequestRequest(string? Name, string? Version, string? Target, string? Reason = null);

/// <summary><c>POST requests/approve|reject|cancel</c>.</summary>
public sealed record ApprovalActionRequest(string? Name, long? Id, string? Comment = null);

/// <summary>One request.</summary>
public sealed record ApprovalRequestResponse(ApprovalRequest Request);

/// <summary>A model's requests, newest first.</summary>
public sealed record ApprovalRequestsResponse(IReadOnlyList<ApprovalRequest> Requests);
