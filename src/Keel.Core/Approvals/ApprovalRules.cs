using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Validation;

namespace Keel.Core.Approvals;

/// <summary>What an approvals write commits, and the refusal to throw after it committed (an expiry is recorded even when the decision it stopped is refused).</summary>
/// <param name="Change">The writes and audit entries to apply.</param>
/// <param name="Refusal">The error the caller gets once <paramref name="Change"/> committed; null when the operation succeeded.</param>
public sealed record ApprovalOutcome(RegistryChange Change, KeelException? Refusal);

/// <summary>
/// The approval rules, for every backend (docs/approvals.md): a policy per registered model; a
/// request names one version and one target; the requester cannot approve (four eyes); one
/// decision per user; <see cref="ApprovalRequest.RequiredApprovals"/> distinct approvals approve it;
/// one rejection rejects it; it expires at <see cref="ApprovalRequest.ExpiresAt"/> (by the clock
/// the backend was given); the move it covers consumes it. Like <see cref="RegistryRules"/>, each
/// method takes the state a backend read in its write transaction (under the model's lock) and
/// returns the <see cref="RegistryChange"/> to apply there, audit entries included.
/// </summary>
/// <param name="limits">The input limits (user id and comment lengths). <value>Default: <see cref="InputLimits.Default"/>.</value></param>
public sealed partial class ApprovalRules(InputLimits? limits = null)
{
    /// <summary>The most approvals a policy may require.</summary>
    public const int MaxRequiredApprovals = 10;

    /// <summary>A request's default lifetime: 7 days.</summary>
    public const long DefaultLifetimeSeconds = 7 * 24 * 3600;

    /// <summary>The shortest lifetime a policy may set: 60 s.</summary>
    public const long MinLifetimeSeconds = 60;

    /// <summary>The longest lifetime a policy may set: 90 days.</summary>
    public const long MaxLifetimeSeconds = 90L * 24 * 3600;

    /// <summary>The input limits the rules check.</summary>
    public InputLimits Limits { get; } = limits ?? InputLimits.Default;

    /// <summary>The policy checked: a model name, 1 to <see cref="MaxRequiredApprovals"/> approvals, a lifetime within bounds, at least one kind of move covered.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE, naming every problem.</exception>
    public static ApprovalPolicy ValidatePolicy(ApprovalPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(policy);
        RegistryValidator.ModelName(policy.Name);
        var problems = new List<string>();
        if (policy.RequiredApprovals is < 1 or > MaxRequiredApprovals)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"'required_approvals' must be 1 to {MaxRequiredApprovals}, not {policy.RequiredApprovals}"));
        }

        if (policy.LifetimeSeconds is < MinLifetimeSeconds or > MaxLifetimeSeconds)
        {
            problems.Add(string.Create(CultureInfo.InvariantCulture, $"'lifetime_seconds' must be {MinLifetimeSeconds} to {MaxLifetimeSeconds}, not {policy.LifetimeSeconds}"));
        }

        if (!policy.CoversStage && !policy.CoversAliases && !policy.CoversDeployments)
        {
            problems.Add("the policy must cover at least one of the Production stage, the production aliases and deployments");
        }

        return problems.Count == 0 ? policy : throw KeelException.InvalidParameter("Invalid approval policy: " + string.Join("; ", problems) + ".");
    }

    /// <summary>The state a reader sees: a pending or approved request past its expiry reads as <see cref="ApprovalStates.Expired"/>.</summary>
    public static string EffectiveState(string state, long expiresAt, long now) =>
        state is ApprovalStates.Pending or ApprovalStates.Approved && now >= expiresAt ? ApprovalStates.Expired : state;

    /// <summary>A request as a reader sees it at <paramref name="now"/> (<see cref="EffectiveState"/>).</summary>
    public static ApprovalRequest AsSeenAt(ApprovalRequest request, long now)
    {
        ArgumentNullException.ThrowIfNull(request);
        var state = EffectiveState(request.State, request.ExpiresAt, now);
        return state == request.State ? request : request with { State = state };
    }

    /// <summary>A request number: a positive integer; INVALID_PARAMETER_VALUE otherwise.</summary>
    public static long ParseId(string? id) =>
        long.TryParse(id, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw KeelException.InvalidParameter($"Invalid 'id' '{id}': an approval request id is a positive integer.");

    /// <summary>A state filter: one of <see cref="ApprovalStates.All"/>, or null.</summary>
    public static string? ParseState(string? state) =>
        string.IsNullOrEmpty(state) || ApprovalStates.All.Contains(state)
            ? (string.IsNullOrEmpty(state) ? null : state)
            : throw KeelException.InvalidParameter($"Invalid 'state' '{state}': one of {string.Join(", ", ApprovalStates.All)}.");

    /// <summary>A decision: approve or reject.</summary>
    public static string ParseDecision(string? decision) =>
        decision is ApprovalDecisions.Approve or ApprovalDecisions.Reject
            ? decision
            : throw KeelException.InvalidParameter($"Invalid decision '{decision}': approve or reject.");

    /// <summary>RESOURCE_DOES_NOT_EXIST for a request.</summary>
    public static KeelException RequestNotFound(string name, long id) =>
        KeelException.NotFound(string.Create(CultureInfo.InvariantCulture, $"Approval request {id} of registered model '{name}' not found."));

    private RegistryChange New(long now) => new(now, Limits);

    private static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
}
