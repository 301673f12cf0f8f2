using Keel.Core.Approvals;
using Keel.Core.Errors;
using Keel.Core.Protocol;
using Keel.Core.Registry;
using Keel.Server.Infrastructure;

namespace Keel.Server.Registry;

/// <summary>Approvals under /api/2.0/keel/approvals: a model's policy (set, get, delete) and its requests (create, get, list, approve, reject, cancel).</summary>
internal static class ApprovalsApi
{
    private const string Prefix = "/api/2.0/keel/approvals/";

    public static void MapApprovalsApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefix + "policy/set", async (HttpRequest http, IApprovalStore store) =>
        {
            var req = await http.ReadJsonAsync<SetApprovalPolicyRequest>().ConfigureAwait(false);
            var policy = new ApprovalPolicy(
                RegistryRequests.ModelName(req.Name),
                req.RequiredApprovals ?? 1,
                req.LifetimeSeconds ?? ApprovalRules.DefaultLifetimeSeconds,
                req.CoversStage ?? true,
                req.CoversAliases ?? true,
                req.CoversDeployments ?? true);
            var set = await store.SetPolicyAsync(policy, http.Actor(req.Comment), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ApprovalPolicyResponse(set));
        });

        app.MapGet(Prefix + "policy/get", async (HttpRequest http, IApprovalStore store) =>
            Json.Ok(new ApprovalPolicyResponse(await store.GetPolicyAsync(RegistryRequests.ModelName(http.Query("name")), http.HttpContext.RequestAborted).ConfigureAwait(false))));

        app.MapPost(Prefix + "policy/delete", async (HttpRequest http, IApprovalStore store) =>
        {
            var req = await http.ReadJsonAsync<DeleteApprovalPolicyRequest>().ConfigureAwait(false);
            await store.DeletePolicyAsync(RegistryRequests.ModelName(req.Name), http.Actor(req.Comment), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapPost(Prefix + "requests/create", async (HttpRequest http, IApprovalStore store) =>
        {
            var req = await http.ReadJsonAsync<CreateApprovalRequestRequest>().ConfigureAwait(false);
            var created = await store.CreateRequestAsync(
                RegistryRequests.ModelName(req.Name),
                Required(req.Version, "version"),
                Required(req.Target, "target"),
                http.Actor(req.Reason),
                http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ApprovalRequestResponse(created));
        });

        app.MapGet(Prefix + "requests/get", async (HttpRequest http, IApprovalStore store) =>
        {
            var name = RegistryRequests.ModelName(http.Query("name"));
            var id = ApprovalRules.ParseId(http.Query("id"));
            return Json.Ok(new ApprovalRequestResponse(await store.GetRequestAsync(name, id, http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });

        app.MapGet(Prefix + "requests/list", async (HttpRequest http, IApprovalStore store) =>
        {
            var name = RegistryRequests.ModelName(http.Query("name"));
            var version = http.Query("version") is { Length: > 0 } v ? v : null;
            var list = await store.ListRequestsAsync(name, version, http.Query("state"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new ApprovalRequestsResponse(list));
        });

        MapDecision(app, "approve", (s, name, id, actor, ct) => s.DecideAsync(name, id, ApprovalDecisions.Approve, actor, ct));
        MapDecision(app, "reject", (s, name, id, actor, ct) => s.DecideAsync(name, id, ApprovalDecisions.Reject, actor, ct));
        MapDecision(app, "cancel", (s, name, id, actor, ct) => s.CancelAsync(name, id, actor, ct));
    }

    private static void MapDecision(IEndpointRouteBuilder app, string verb, Func<IApprovalStore, string, long, Actor, CancellationToken, Task<ApprovalRequest>> act) =>
        app.MapPost(Prefix + "requests/" + verb, async (HttpRequest http, IApprovalStore store) =>
        {
            var req = await http.ReadJsonAsync<ApprovalActionRequest>().ConfigureAwait(false);
            var name = RegistryRequests.ModelName(req.Name);
            var id = req.Id is { } n && n > 0 ? n : throw KeelException.InvalidParameter("Missing or invalid 'id': an approval request id is a positive integer.");
            return Json.Ok(new ApprovalRequestResponse(await act(store, name, id, http.Actor(req.Comment), http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });

    private static string Required(string? value, string field) =>
        string.IsNullOrEmpty(value) ? throw KeelException.InvalidParameter($"Missing value for required parameter '{field}'.") : value;
}
