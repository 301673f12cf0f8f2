using System.Text.Json;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Auth;

/// <summary>Issue 16's four-eyes promotion over real HTTP with auth on: alice asks, someone else approves.</summary>
public sealed class ApprovalTests : IAsyncDisposable
{
    private const string Approvals = "/api/2.0/keel/approvals/";
    private readonly AuthServer _server = new();

    /// <summary>A model with two versions; alice and bob hold <paramref name="level"/> on it, carol EDIT.</summary>
    private async Task<(HttpClient Admin, HttpClient Alice, HttpClient Bob, HttpClient Carol)> ModelAsync(string model, string level = "MANAGE")
    {
        var admin = _server.Admin();
        var alice = await _server.UserAsync("alice");
        var bob = await _server.UserAsync("bob");
        var carol = await _server.UserAsync("carol");
        Assert.Equal(200, (await admin.ApiPostAsync("registered-models/create", new { name = model })).Status);
        for (var i = 1; i <= 2; i++)
        {
            Assert.Equal(200, (await admin.ApiPostAsync("model-versions/create", new { name = model, source = $"mlflow-artifacts:/models/{model}/{i}" })).Status);
        }

        foreach (var (user, permission) in new[] { ("alice", level), ("bob", level), ("carol", "EDIT") })
        {
            Assert.Equal(200, (await admin.ApiPostAsync("registered-models/permissions/create", new { name = model, username = user, permission })).Status);
        }

        return (admin, alice, bob, carol);
    }

    private static async Task<long> RequestAsync(HttpClient client, string model, string version, string target)
    {
        var made = await client.ApiPostAsync(Approvals + "requests/create", new { name = model, version, target, reason = "ship it" });
        Assert.Equal(200, made.Status);
        Assert.Equal("pending", made["request"].GetProperty("state").GetString());
        return made["request"].GetProperty("id").GetInt64();
    }

    private static Task<ApiAnswer> DecideAsync(HttpClient client, string verb, string model, long id, string? comment = null) =>
        client.ApiPostAsync(Approvals + "requests/" + verb, new { name = model, id, comment });

    private static Task<ApiAnswer> PointAliasAsync(HttpClient client, string model, string alias, string version) =>
        client.ApiPostAsync("registered-models/alias", new { name = model, alias, version });

    private static async Task<List<JsonElement>> EventsAsync(HttpClient client, string model) =>
        (await client.ApiGetAsync($"/api/2.0/keel/registry/events?name={model}"))["events"].EnumerateArray().ToList();

    [Fact]
    public async Task TheRequester_CannotApprove_AnotherUserDoes_ThePromotionGoesThrough_AndTheTrailNamesTheApprover()
    {
        var (admin, alice, bob, carol) = await ModelAsync("credit");
        Assert.Equal(200, (await admin.ApiPostAsync(Approvals + "policy/set", new { name = "credit", required_approvals = 1 })).Status);

        var refused = await PointAliasAsync(alice, "credit", "production", "1");
        Assert.Equal((403, "PERMISSION_DENIED"), (refused.Status, refused.ErrorCode));
        Assert.Contains("approval", refused.Body, StringComparison.Ordinal);

        var id = await RequestAsync(alice, "credit", "1", "alias:production");
        var own = await DecideAsync(alice, "approve", "credit", id);
        Assert.Equal((403, "PERMISSION_DENIED"), (own.Status, own.ErrorCode));
        Assert.Contains("four eyes", own.Body, StringComparison.Ordinal);
        var editor = await DecideAsync(carol, "approve", "credit", id);
        Assert.Equal((403, "PERMISSION_DENIED"), (editor.Status, editor.ErrorCode));

        var approved = await DecideAsync(bob, "approve", "credit", id, "reviewed the metrics");
        Assert.Equal(200, approved.Status);
        Assert.Equal("approved", approved["request"].GetProperty("state").GetString());
        Assert.Equal("bob", approved["request"].GetProperty("decisions")[0].GetProperty("user").GetString());

        Assert.Equal(200, (await PointAliasAsync(alice, "credit", "production", "1")).Status);
        var used = await alice.ApiGetAsync($"{Approvals}requests/get?name=credit&id={id}");
        Assert.Equal("used", used["request"].GetProperty("state").GetString());

        var trail = await EventsAsync(admin, "credit");
        var move = trail.Last(e => e.GetProperty("kind").GetString() == "alias_set");
        Assert.Equal("alice", move.GetProperty("user").GetString());
        Assert.Contains("[approved by bob (request 1)]", move.GetProperty("comment").GetString(), StringComparison.Ordinal);
        Assert.Equal(
            ["approval_policy_set", "approval_requested", "approval_approved", "approval_used", "alias_set"],
            trail.Select(e => e.GetProperty("kind").GetString()!).Where(k => k.StartsWith("approval_", StringComparison.Ordinal) || k == "alias_set"));
        Assert.Equal("bob", trail.Single(e => e.GetProperty("kind").GetString() == "approval_approved").GetProperty("user").GetString());

        // Used once: moving production away and back needs a new approval.
        Assert.Equal(200, (await alice.ApiSendAsync(HttpMethod.Delete, "registered-models/alias", new { name = "credit", alias = "production" })).Status);
        Assert.Equal(403, (await PointAliasAsync(alice, "credit", "production", "1")).Status);
    }

    [Fact]
    public async Task HeldAt_ShowsWhoMovedTheVersion_AndWhoApprovedIt()
    {
        var (admin, alice, bob, _) = await ModelAsync("held");
        Assert.Equal(200, (await admin.ApiPostAsync(Approvals + "policy/set", new { name = "held" })).Status);
        var id = await RequestAsync(alice, "held", "2", "stage:Production");
        Assert.Equal(200, (await DecideAsync(bob, "approve", "held", id)).Status);
        Assert.Equal(200, (await alice.ApiPostAsync("model-versions/transition-stage", new { name = "held", version = "2", stage = "Production", archive_existing_versions = true })).Status);

        var at = _server.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        var held = await alice.ApiGetAsync($"/api/2.0/keel/registry/held-at?name=held&stage=Production&at={at}");
        Assert.Equal(200, held.Status);
        Assert.Equal("2", held["versions"][0].GetString());
        var moved = held["moves"][0];
        Assert.Equal(("2", "alice"), (moved.GetProperty("version").GetString(), moved.GetProperty("user").GetString()));
        Assert.Equal(["bob"], moved.GetProperty("approved_by").EnumerateArray().Select(e => e.GetString()));
    }

    [Fact]
    public async Task TwoRequiredApprovals_NeedTwoDistinctApprovers()
    {
        var (admin, alice, bob, carol) = await ModelAsync("two");
        Assert.Equal(200, (await admin.ApiSendAsync(HttpMethod.Patch, "registered-models/permissions/update", new { name = "two", username = "carol", permission = "MANAGE" })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(Approvals + "policy/set", new { name = "two", required_approvals = 2 })).Status);
        var id = await RequestAsync(alice, "two", "2", "stage:Production");

        var first = await DecideAsync(bob, "approve", "two", id);
        Assert.Equal("pending", first["request"].GetProperty("state").GetString());
        var again = await DecideAsync(bob, "approve", "two", id);
        Assert.Equal((400, "INVALID_STATE"), (again.Status, again.ErrorCode));
        var promote = await alice.ApiPostAsync("model-versions/transition-stage", new { name = "two", version = "2", stage = "Production" });
        Assert.Equal((403, "PERMISSION_DENIED"), (promote.Status, promote.ErrorCode));

        var second = await DecideAsync(carol, "approve", "two", id);
        Assert.Equal("approved", second["request"].GetProperty("state").GetString());
        Assert.Equal(200, (await alice.ApiPostAsync("model-versions/transition-stage", new { name = "two", version = "2", stage = "Production" })).Status);
        var move = (await EventsAsync(admin, "two")).Last(e => e.GetProperty("kind").GetString() == "stage_transition");
        Assert.StartsWith("[approved by bob, carol (request 1)]", move.GetProperty("comment").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OneRejection_RejectsTheRequest_AndTheVersionStaysOutOfProduction()
    {
        var (admin, alice, bob, _) = await ModelAsync("rejected");
        Assert.Equal(200, (await admin.ApiPostAsync(Approvals + "policy/set", new { name = "rejected", required_approvals = 2 })).Status);
        var id = await RequestAsync(alice, "rejected", "1", "alias:champion");

        var rejected = await DecideAsync(bob, "reject", "rejected", id, "drift on the holdout");
        Assert.Equal("rejected", rejected["request"].GetProperty("state").GetString());
        var late = await DecideAsync(admin, "approve", "rejected", id);
        Assert.Equal((400, "INVALID_STATE"), (late.Status, late.ErrorCode));
        Assert.Equal(403, (await PointAliasAsync(alice, "rejected", "champion", "1")).Status);
        Assert.Equal(0, (await alice.ApiGetAsync("registered-models/get?name=rejected"))["registered_model"].TryGetProperty("aliases", out var aliases) ? aliases.GetArrayLength() : 0);
    }

    [Fact]
    public async Task AnExpiredRequest_BlocksThePromotion_AndItsExpiryIsAudited()
    {
        var (admin, alice, bob, _) = await ModelAsync("expiring");
        Assert.Equal(200, (await admin.ApiPostAsync(Approvals + "policy/set", new { name = "expiring", lifetime_seconds = 3600 })).Status);
        var approvedThenLate = await RequestAsync(alice, "expiring", "1", "alias:production");
        Assert.Equal(200, (await DecideAsync(bob, "approve", "expiring", approvedThenLate)).Status);
        var neverDecided = await RequestAsync(alice, "expiring", "2", "alias:production");

        _server.Clock.Advance(TimeSpan.FromSeconds(3601));

        Assert.Equal(403, (await PointAliasAsync(alice, "expiring", "production", "1")).Status);
        var listed = await alice.ApiGetAsync($"{Approvals}requests/list?name=expiring&state=expired");
        Assert.Equal([neverDecided, approvedThenLate], listed["requests"].EnumerateArray().Select(r => r.GetProperty("id").GetInt64()));
        var late = await DecideAsync(bob, "approve", "expiring", neverDecided);
        Assert.Equal((400, "INVALID_STATE"), (late.Status, late.ErrorCode));
        Assert.Contains("expired", late.Body, StringComparison.Ordinal);
        var expiries = (await EventsAsync(admin, "expiring")).Where(e => e.GetProperty("kind").GetString() == "approval_expired").ToList();
        Assert.Equal(2, expiries.Count);
    }

    [Fact]
    public async Task ADeploymentPromotion_IsHeldUntilApproved()
    {
        var (admin, alice, bob, _) = await ModelAsync("deployed");
        var spec = new { name = "deployed", model = "deployed", version = "1", steps = new object[] { new { set_weight = 10 } } };
        Assert.Equal(200, (await admin.ApiPostAsync("/api/2.0/keel/deployments/create", new { spec })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(Approvals + "policy/set", new { name = "deployed" })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync("/api/2.0/keel/deployments/apply", new { spec = spec with { version = "2" } })).Status);

        var held = await admin.ApiPostAsync("/api/2.0/keel/deployments/promote", new { name = "deployed" });
        Assert.Equal((403, "PERMISSION_DENIED"), (held.Status, held.ErrorCode));
        var still = await admin.ApiGetAsync("/api/2.0/keel/deployments/get?name=deployed");
        Assert.Equal("1", still["deployment"].GetProperty("stable_version").GetString());
        Assert.Equal("1", (await admin.ApiGetAsync("registered-models/alias?name=deployed&alias=production"))["model_version"].GetProperty("version").GetString());

        var id = await RequestAsync(alice, "deployed", "2", "deployment:deployed");
        Assert.Equal(200, (await DecideAsync(bob, "approve", "deployed", id)).Status);
        Assert.Equal(200, (await admin.ApiPostAsync("/api/2.0/keel/deployments/promote", new { name = "deployed" })).Status);

        Assert.Equal("2", (await admin.ApiGetAsync("registered-models/alias?name=deployed&alias=production"))["model_version"].GetProperty("version").GetString());
        var move = (await EventsAsync(admin, "deployed")).Last(e => e.GetProperty("kind").GetString() == "alias_set");
        Assert.Contains("[approved by bob (request 1)]", move.GetProperty("comment").GetString(), StringComparison.Ordinal);
        Assert.Equal("used", (await alice.ApiGetAsync($"{Approvals}requests/get?name=deployed&id={id}"))["request"].GetProperty("state").GetString());

        // A rollback returns production to the previous stable version without an approval.
        Assert.Equal(200, (await admin.ApiPostAsync("/api/2.0/keel/deployments/rollback", new { name = "deployed", comment = "p99" })).Status);
        Assert.Equal("1", (await admin.ApiGetAsync("registered-models/alias?name=deployed&alias=production"))["model_version"].GetProperty("version").GetString());
    }

    [Fact]
    public async Task WithoutAPolicy_NothingChanges_AndThereIsNothingToRequest()
    {
        var (admin, alice, _, _) = await ModelAsync("free");
        var none = await alice.ApiGetAsync($"{Approvals}policy/get?name=free");
        Assert.Equal(200, none.Status);
        Assert.False(none.Json.TryGetProperty("policy", out _));
        Assert.Equal(200, (await PointAliasAsync(alice, "free", "production", "1")).Status);
        Assert.Equal(200, (await alice.ApiPostAsync("model-versions/transition-stage", new { name = "free", version = "2", stage = "Production" })).Status);
        var request = await alice.ApiPostAsync(Approvals + "requests/create", new { name = "free", version = "1", target = "alias:production" });
        Assert.Equal((400, "INVALID_STATE"), (request.Status, request.ErrorCode));

        // Removing a policy lifts it.
        Assert.Equal(200, (await admin.ApiPostAsync(Approvals + "policy/set", new { name = "free" })).Status);
        Assert.Equal(403, (await PointAliasAsync(alice, "free", "champion", "2")).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(Approvals + "policy/delete", new { name = "free" })).Status);
        Assert.Equal(200, (await PointAliasAsync(alice, "free", "champion", "2")).Status);
    }

    [Fact]
    public async Task OnlyTheRequester_Cancels_AndOnlyOwnersSetThePolicy()
    {
        var (admin, alice, _, carol) = await ModelAsync("cancel", level: "EDIT");
        Assert.Equal(403, (await alice.ApiPostAsync(Approvals + "policy/set", new { name = "cancel" })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(Approvals + "policy/set", new { name = "cancel" })).Status);
        var id = await RequestAsync(alice, "cancel", "1", "alias:production");
        var other = await DecideAsync(carol, "cancel", "cancel", id);
        Assert.Equal((403, "PERMISSION_DENIED"), (other.Status, other.ErrorCode));
        Assert.Equal("cancelled", (await DecideAsync(alice, "cancel", "cancel", id))["request"].GetProperty("state").GetString());
        Assert.Equal(400, (await DecideAsync(admin, "approve", "cancel", id)).Status);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
