using Keel.Core.Registry;

namespace Keel.Core.Approvals;

/// <summary>
/// Approval policies and requests (issue 16's four-eyes promotion; docs/approvals.md). The rules are
/// <see cref="ApprovalRules"/>'s. Every backend keeps them in the registry's database and applies
/// them in the registry's write transaction under the model's lock, so a decision, a consumption
/// and the stage or alias move they govern are serialised per model and audited in the registry's trail.
/// </summary>
public interface IApprovalStore
{
    /// <summary>Sets (or replaces) a model's policy; requests already made keep the count they were made with.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST for an unknown model; INVALID_PARAMETER_VALUE for a bad policy.</exception>
    Task<ApprovalPolicy> SetPolicyAsync(ApprovalPolicy policy, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>The model's policy, null when it has none.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST for an unknown model.</exception>
    Task<ApprovalPolicy?> GetPolicyAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Removes a model's policy: promotions need no approval from then on.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST for an unknown model or a model without a policy.</exception>
    Task DeletePolicyAsync(string name, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Asks for approval to put <paramref name="version"/> into production through <paramref name="target"/>; the actor is the requester, its comment the reason.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST; INVALID_PARAMETER_VALUE for a bad target; INVALID_STATE when the model has no policy or the policy does not cover the target; RESOURCE_ALREADY_EXISTS when an open request covers the same version and target.</exception>
    Task<ApprovalRequest> CreateRequestAsync(string name, string version, string target, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>One request.</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST.</exception>
    Task<ApprovalRequest> GetRequestAsync(string name, long id, CancellationToken cancellationToken = default);

    /// <summary>A model's requests, newest first, optionally of one version and in one state (<see cref="ApprovalStates"/>).</summary>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST for an unknown model; INVALID_PARAMETER_VALUE for an unknown state.</exception>
    Task<IReadOnlyList<ApprovalRequest>> ListRequestsAsync(string name, string? version = null, string? state = null, CancellationToken cancellationToken = default);

    /// <summary>Records the actor's decision (<see cref="ApprovalDecisions"/>); its comment is kept.</summary>
    /// <exception cref="Errors.KeelException">PERMISSION_DENIED for the requester (four eyes); INVALID_STATE when the actor already decided or the request is no longer pending (an expired one is recorded as expired first).</exception>
    Task<ApprovalRequest> DecideAsync(string name, long id, string decision, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Withdraws a pending or approved request; only its requester may.</summary>
    /// <exception cref="Errors.KeelException">PERMISSION_DENIED for anyone else; INVALID_STATE when the request is closed.</exception>
    Task<ApprovalRequest> CancelAsync(string name, long id, Actor actor, CancellationToken cancellationToken = default);
}
