using System.Security.Cryptography;
using System.Text;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Auth;

/// <summary>
/// POST /api/2.0/keel/deployments/replicas/scoring-tokens over HTTP with auth on: what a replica of a
/// rolling deployment (<c>keel serve --deployment</c>) reads to enforce its deployment's scoring
/// tokens, and how it reports their use.
/// </summary>
public sealed class ReplicaScoringTokenExchangeTests(KeelResourceFixture fixture) : IClassFixture<KeelResourceFixture>, IAsyncDisposable
{
    private const string Exchange = "/api/2.0/keel/deployments/replicas/scoring-tokens";
    private const string Tokens = "/api/2.0/keel/auth/deployments/scoring-tokens/";
    private readonly AuthServer _server = new();

    [Fact]
    public async Task TheAnswer_HoldsEachActiveTokensHashAndExpiry_AndStaysGuardedWhileAnyTokenExists()
    {
        var admin = await DeployAsync("dep-a", "dep-b");
        var open = await admin.ApiPostAsync(Exchange, new { deployment = "dep-b" });
        Assert.True(open.Status == 200, open.Body);
        Assert.False(open["guarded"].GetBoolean());
        Assert.Empty(open["tokens"].EnumerateArray());

        var created = await admin.ApiPostAsync(Tokens + "create", new { name = "dep-a", token_name = "ci", expires_in_days = 2 });
        var secret = created["token"].GetString()!;
        var id = created["token_info"].GetProperty("token_id").GetString()!;
        var answer = await admin.ApiPostAsync(Exchange, new { deployment = "dep-a" });
        Assert.True(answer["guarded"].GetBoolean());
        var token = Assert.Single(answer["tokens"].EnumerateArray());
        Assert.Equal(id, token.GetProperty("id").GetString());
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret))), token.GetProperty("secret_sha256").GetString());
        Assert.Equal(created["token_info"].GetProperty("expires_at").GetInt64(), token.GetProperty("expires_at").GetInt64());
        Assert.DoesNotContain(secret[^20..], answer.Body, StringComparison.Ordinal);

        Assert.Equal(200, (await admin.ApiPostAsync(Tokens + "revoke", new { name = "dep-a", token_id = id })).Status);
        var revoked = await admin.ApiPostAsync(Exchange, new { deployment = "dep-a" });
        Assert.True(revoked["guarded"].GetBoolean());
        Assert.Empty(revoked["tokens"].EnumerateArray());
    }

    [Fact]
    public async Task ReportedUses_SetTheTokensLastUse_OnlyForTheDeploymentsOwnTokens_NeverInTheFuture()
    {
        var admin = await DeployAsync("dep-a", "dep-b");
        var a = (await admin.ApiPostAsync(Tokens + "create", new { name = "dep-a", token_name = "ci" }))["token_info"].GetProperty("token_id").GetString()!;
        var b = (await admin.ApiPostAsync(Tokens + "create", new { name = "dep-b", token_name = "ci" }))["token_info"].GetProperty("token_id").GetString()!;
        var now = _server.Clock.GetUtcNow().ToUnixTimeMilliseconds();

        var answer = await admin.ApiPostAsync(Exchange, new { deployment = "dep-a", used = new object[] { new { id = a, at = now - 5_000 }, new { id = b, at = now - 5_000 } } });
        Assert.True(answer.Status == 200, answer.Body);
        Assert.Equal(now - 5_000, LastUse(await admin.ApiGetAsync(Tokens + "list?name=dep-a")));
        Assert.Null(LastUse(await admin.ApiGetAsync(Tokens + "list?name=dep-b")));

        // Within the minute nothing is rewritten; a use claimed in the future is recorded as now.
        _server.Clock.Advance(TimeSpan.FromMinutes(2));
        var later = _server.Clock.GetUtcNow().ToUnixTimeMilliseconds();
        Assert.Equal(200, (await admin.ApiPostAsync(Exchange, new { deployment = "dep-a", used = new[] { new { id = a, at = later + 3_600_000 } } })).Status);
        Assert.Equal(later, LastUse(await admin.ApiGetAsync(Tokens + "list?name=dep-a")));
    }

    [Fact]
    public async Task OnlyAdmins_Exchange_EvenAManagerOfTheDeploymentIsRefused()
    {
        var admin = await DeployAsync("dep-a");
        var bob = await _server.UserAsync("bob");
        Assert.Equal(200, (await admin.ApiPostAsync("/api/2.0/keel/auth/deployments/permissions/create", new { name = "dep-a", username = "bob", permission = "MANAGE" })).Status);
        Assert.Equal(403, (await bob.ApiPostAsync(Exchange, new { deployment = "dep-a" })).Status);
        Assert.Equal(401, (await _server.Anonymous().ApiPostAsync(Exchange, new { deployment = "dep-a" })).Status);
    }

    private static long? LastUse(ApiAnswer listed)
    {
        var token = Assert.Single(listed["tokens"].EnumerateArray());
        return token.TryGetProperty("last_used_at", out var at) && at.ValueKind == System.Text.Json.JsonValueKind.Number ? at.GetInt64() : null;
    }

    private async Task<HttpClient> DeployAsync(params string[] names)
    {
        var admin = _server.Admin();
        await fixture.RegisterAsync(_server);
        foreach (var name in names)
        {
            var spec = new { spec = new { name, model = KeelResourceFixture.Model, version = "1", alias = name + "-live", steps = new[] { new { set_weight = 5 } } } };
            var answer = await admin.ApiPostAsync("/api/2.0/keel/deployments/create", spec);
            Assert.True(answer.Status == 200, answer.Body);
        }

        return admin;
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
