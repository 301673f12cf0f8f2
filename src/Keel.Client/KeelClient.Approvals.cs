using System.Globalization;
using Keel.Client.Http;
using Keel.Core.Approvals;
using Keel.Core.Protocol;
using Keel.Core.Registry;

namespace Keel.Client;

// Approvals under /api/2.0/keel/approvals: the same IApprovalStore the local stores implement.
public sealed partial class KeelClient : IApprovalStore
{
    private const string ApprovalsApi = "api/2.0/keel/approvals/";

    /// <inheritdoc />
    public async Task<ApprovalPolicy> SetPolicyAsync(ApprovalPolicy policy, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(actor);
        var body = new SetApprovalPolicyRequest(policy.Name, policy.RequiredApprovals, policy.LifetimeSeconds, policy.CoversStage, policy.CoversAliases, policy.CoversDeployments, actor.Comment);
        var response = await SendRegistryJsonAsync<ApprovalPolicyResponse>(HttpMethod.Post, ApprovalsPath("policy/set"), body, actor, commentInBody: true, cancellationToken).ConfigureAwait(false);
        return response.Policy ?? throw new Core.Errors.KeelException(Core.Errors.ErrorCode.InternalError, "The server answered a policy change without the policy.");
    }

    /// <inheritdoc />
    public async Task<ApprovalPolicy?> GetPolicyAsync(string name, CancellationToken cancellationToken = default) =>
        (await GetRegistryJsonAsync<ApprovalPolicyResponse>(ApprovalsPath("policy/get"), QueryString.Of("name", name), cancellationToken).ConfigureAwait(false)).Policy;

    /// <inheritdoc />
    public Task DeletePolicyAsync(string name, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return SendRegistryAsync(HttpMethod.Post, ApprovalsPath("policy/delete"), new DeleteApprovalPolicyRequest(name, actor.Comment), actor, commentInBody: true, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ApprovalRequest> CreateRequestAsync(string name, string version, string target, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var body = new CreateApprovalRequestRequest(name, version, target, actor.Comment);
        return (await SendRegistryJsonAsync<ApprovalRequestResponse>(HttpMethod.Post, ApprovalsPath("requests/create"), body, actor, commentInBody: true, cancellationToken).ConfigureAwait(false)).Request;
    }

    /// <inheritdoc />
    public async Task<ApprovalRequest> GetRequestAsync(string name, long id, CancellationToken cancellationToken = default) =>
        (await GetRegistryJsonAsync<ApprovalRequestResponse>(
            ApprovalsPath("requests/get"), QueryString.Of("name", name).Add("id", id.ToString(CultureInfo.InvariantCulture)), cancellationToken).ConfigureAwait(false)).Request;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ApprovalRequest>> ListRequestsAsync(string name, string? version = null, string? state = null, CancellationToken cancellationToken = default) =>
        (await GetRegistryJsonAsync<ApprovalRequestsResponse>(
            ApprovalsPath("requests/list"), QueryString.Of("name", name).Add("version", version).Add("state", state), cancellationToken).ConfigureAwait(false)).Requests ?? [];

    /// <inheritdoc />
    public Task<ApprovalRequest> DecideAsync(string name, long id, string decision, Actor actor, CancellationToken cancellationToken = default) =>
        ActAsync(ApprovalRules.ParseDecision(decision), name, id, actor, cancellationToken);

    /// <inheritdoc />
    public Task<ApprovalRequest> CancelAsync(string name, long id, Actor actor, CancellationToken cancellationToken = default) =>
        ActAsync("cancel", name, id, actor, cancellationToken);

    private async Task<ApprovalRequest> ActAsync(string verb, string name, long id, Actor actor, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var body = new ApprovalActionRequest(name, id, actor.Comment);
        return (await SendRegistryJsonAsync<ApprovalRequestResponse>(HttpMethod.Post, ApprovalsPath("requests/" + verb), body, actor, commentInBody: true, cancellationToken).ConfigureAwait(false)).Request;
    }

    private static Uri ApprovalsPath(string path) => new(ApprovalsApi + path, UriKind.Relative);
}
