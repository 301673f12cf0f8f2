using System.Security.Cryptography;
using System.Text;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Auth;

/// <summary>Per-deployment (and per-served-model) scoring tokens over HTTP, with server auth on and off.</summary>
public sealed class ScoringTokenTests(KeelResourceFixture fixture) : IClassFixture<KeelResourceFixture>, IAsyncDisposable
{
    private const string Keel = "/api/2.0/keel/";
    private const string Tokens = "/api/2.0/keel/auth/deployments/scoring-tokens/";
    private AuthServer? _server;

    [Fact]
    public async Task ADeploymentsToken_Scores_AnotherDeploymentsIs403_NoneIs401_AndUsersNeedTheTokenToo()
    {
        var admin = await DeployAsync("dep-a", "dep-b");
        var a = await CreateAsync(admin, "dep-a", "ci");
        var b = await CreateAsync(admin, "dep-b", "ci");
        Assert.StartsWith("keel_score_", a, StringComparison.Ordinal);
        var anonymous = _server!.Anonymous();

        Assert.Equal(200, (await fixture.ScoreAsync(anonymous, "/deployments/dep-a/invocations", a)).Status);
        var other = await fixture.ScoreAsync(anonymous, "/deployments/dep-a/invocations", b);
        Assert.Equal((403, "PERMISSION_DENIED"), (other.Status, other.ErrorCode));
        var none = await fixture.ScoreAsync(anonymous, "/deployments/dep-a/invocations");
        Assert.Equal((401, "UNAUTHENTICATED"), (none.Status, none.ErrorCode));
        Assert.Contains("scoring token", none.Body, StringComparison.Ordinal);

        // A resource that requires its token requires it of signed-in users as well (even admins).
        Assert.Equal(401, (await fixture.ScoreAsync(admin, "/deployments/dep-a/invocations")).Status);

        // A token scores, and does nothing else.
        Assert.Equal(401, (await _server.Bearer(a).ApiGetAsync(Keel + "deployments/get?name=dep-a")).Status);

        var listed = await admin.ApiGetAsync(Tokens + "list?name=dep-a");
        var info = Assert.Single(listed["tokens"].EnumerateArray());
        Assert.True(info.GetProperty("last_used_at").GetInt64() > 0);
        Assert.Equal("admin", info.GetProperty("created_by").GetString());
        Assert.DoesNotContain(a[^20..], listed.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARevokedOrExpiredToken_Is401_AndDeletingTheLastToken_LiftsTheRequirement()
    {
        var admin = await DeployAsync("dep-a");
        var created = await admin.ApiPostAsync(Tokens + "create", new { name = "dep-a", token_name = "ci", expires_in_days = 1 });
        var secret = created["token"].GetString()!;
        var id = created["token_info"].GetProperty("token_id").GetString()!;
        var longer = await CreateAsync(admin, "dep-a", "other");
        var anonymous = _server!.Anonymous();
        Assert.Equal(200, (await fixture.ScoreAsync(anonymous, "/deployments/dep-a/invocations", secret)).Status);

        _server.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(401, (await fixture.ScoreAsync(anonymous, "/deployments/dep-a/invocations", secret)).Status);
        Assert.Equal(200, (await fixture.ScoreAsync(anonymous, "/deployments/dep-a/invocations", longer)).Status);

        var otherId = (await admin.ApiGetAsync(Tokens + "list?name=dep-a"))["tokens"].EnumerateArray().Single(t => t.GetProperty("name").GetString() == "other").GetProperty("token_id").GetString()!;
        Assert.Equal(200, (await admin.ApiPostAsync(Tokens + "revoke", new { name = "dep-a", token_id = otherId })).Status);
        Assert.Equal(401, (await fixture.ScoreAsync(anonymous, "/deployments/dep-a/invocations", longer)).Status);

        // Still guarded while any token exists; deleting them all lifts the requirement (the usual rules again: READ).
        Assert.Equal(401, (await fixture.ScoreAsync(admin, "/deployments/dep-a/invocations")).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(Tokens + "delete", new { name = "dep-a", token_id = id })).Status);
        Assert.Equal(200, (await admin.ApiPostAsync(Tokens + "delete", new { name = "dep-a", token_id = otherId })).Status);
        Assert.Equal(200, (await fixture.ScoreAsync(admin, "/deployments/dep-a/invocations")).Status);
        Assert.Equal(401, (await fixture.ScoreAsync(anonymous, "/deployments/dep-a/invocations")).Status);
    }

    [Fact]
    public async Task OnlyManagersOfTheDeployment_MakeOrListItsTokens()
    {
        var admin = await DeployAsync("dep-a");
        var bob = await _server!.UserAsync("bob");
        Assert.Equal(403, (await bob.ApiPostAsync(Tokens + "create", new { name = "dep-a", token_name = "mine" })).Status);
        Assert.Equal(403, (await bob.ApiGetAsync(Tokens + "list?name=dep-a")).Status);
        Assert.Equal(200, (await admin.ApiPostAsync("/api/2.0/keel/auth/deployments/permissions/create", new { name = "dep-a", username = "bob", permission = "MANAGE" })).Status);
        Assert.Equal(200, (await bob.ApiPostAsync(Tokens + "create", new { name = "dep-a", token_name = "mine" })).Status);
    }

    [Theory]
    [InlineData("deployments")]
    [InlineData("served-models")]
    public async Task AnEditor_CannotMake_List_Revoke_OrDeleteScoringTokens_OnlyAManagerCan(string kind)
    {
        var admin = await DeployAsync("dep-a");
        var bob = await _server!.UserAsync("bob");
        var tokens = "/api/2.0/keel/auth/" + kind + "/scoring-tokens/";
        Assert.Equal(200, (await admin.ApiPostAsync("/api/2.0/keel/auth/" + kind + "/permissions/create", new { name = "dep-a", username = "bob", permission = "EDIT" })).Status);
        var id = (await admin.ApiPostAsync(tokens + "create", new { name = "dep-a", token_name = "ci" }))["token_info"].GetProperty("token_id").GetString()!;

        foreach (var refused in new[]
        {
            await bob.ApiPostAsync(tokens + "create", new { name = "dep-a", token_name = "mine" }),
            await bob.ApiGetAsync(tokens + "list?name=dep-a"),
            await bob.ApiPostAsync(tokens + "revoke", new { name = "dep-a", token_id = id }),
            await bob.ApiPostAsync(tokens + "delete", new { name = "dep-a", token_id = id }),
        })
        {
            Assert.Equal((403, "PERMISSION_DENIED"), (refused.Status, refused.ErrorCode));
        }

        var listed = await admin.ApiGetAsync(tokens + "list?name=dep-a");
        var only = Assert.Single(listed["tokens"].EnumerateArray());
        Assert.False(only.TryGetProperty("revoked_at", out _));
    }

    [Fact]
    public async Task AScoringToken_IsStoredAsItsSha256_AndOnlyTheCreateAnswerShowsIt_NeitherSecretNorHashElsewhere()
    {
        var admin = await DeployAsync("dep-a");
        var created = await admin.ApiPostAsync(Tokens + "create", new { name = "dep-a", token_name = "ci" });
        var secret = created["token"].GetString()!;
        var id = created["token_info"].GetProperty("token_id").GetString()!;

        var stored = (await _server!.Auth.Store.GetScoringTokenAsync(id))!;
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), stored.SecretHash);

        var listed = await admin.ApiGetAsync(Tokens + "list?name=dep-a");
        var revoked = await admin.ApiPostAsync(Tokens + "revoke", new { name = "dep-a", token_id = id });
        string[] fields = ["token_id", "resource_type", "resource_name", "name", "created_by", "created_at", "expires_at", "revoked_at", "last_used_at"];
        foreach (var info in new[] { created["token_info"], Assert.Single(listed["tokens"].EnumerateArray()), revoked["token_info"] })
        {
            Assert.Subset(fields.ToHashSet(), info.EnumerateObject().Select(p => p.Name).ToHashSet());
        }

        Assert.DoesNotContain(secret[^32..], listed.Body + revoked.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithAuthOff_AServedModelWithATokenStillRefusesScoringWithoutIt()
    {
        await using var factory = new KeelApiFactory();
        var client = factory.CreateClient();
        Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name = KeelResourceFixture.Model })).Status);
        await Serving.HotSwapFixture.RegisterAsync(client, factory.Services, KeelResourceFixture.Model, fixture.PackageDirectory, corrupt: false);
        Assert.Equal(200, (await client.ApiPostAsync(Keel + "serving/models", new { name = "bc", model_uri = $"models:/{KeelResourceFixture.Model}/1" })).Status);
        Assert.Equal(200, (await fixture.ScoreAsync(client, "/serving/bc/invocations")).Status);

        var secret = (await client.ApiPostAsync("/api/2.0/keel/auth/served-models/scoring-tokens/create", new { name = "bc", token_name = "ci" }))["token"].GetString()!;
        Assert.Equal(401, (await fixture.ScoreAsync(client, "/serving/bc/invocations")).Status);
        Assert.Equal(401, (await fixture.ScoreAsync(client, "/v2/models/bc/infer")).Status);
        Assert.Equal(401, (await fixture.ScoreAsync(client, "/serving/bc/invocations", secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'))).Status);
        Assert.Equal(200, (await fixture.ScoreAsync(client, "/serving/bc/invocations", secret)).Status);
    }

    private async Task<HttpClient> DeployAsync(params string[] names)
    {
        _server = new AuthServer();
        var admin = _server.Admin();
        await fixture.RegisterAsync(_server);
        foreach (var name in names)
        {
            var spec = new { spec = new { name, model = KeelResourceFixture.Model, version = "1", alias = name + "-live", steps = new[] { new { set_weight = 5 } } } };
            var answer = await admin.ApiPostAsync(Keel + "deployments/create", spec);
            Assert.True(answer.Status == 200, answer.Body);
            Assert.Equal(200, (await fixture.ScoreAsync(admin, $"/deployments/{name}/invocations")).Status);
        }

        return admin;
    }

    private static async Task<string> CreateAsync(HttpClient admin, string deployment, string name)
    {
        var created = await admin.ApiPostAsync(Tokens + "create", new { name = deployment, token_name = name });
        Assert.True(created.Status == 200, created.Body);
        return created["token"].GetString()!;
    }

    public async ValueTask DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }
}
