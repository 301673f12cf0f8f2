using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Auth;

/// <summary>API tokens over HTTP: shown once, Bearer, scope, expiry, revocation, last use.</summary>
public sealed class TokenTests : IAsyncDisposable
{
    private readonly AuthServer _server = new();

    private const string Tokens = "/api/2.0/keel/auth/tokens/";

    [Fact]
    public async Task AToken_AuthenticatesAsItsUser_IsListedWithoutItsSecret_AndRecordsItsLastUse()
    {
        var bob = await _server.UserAsync("bob");
        var created = await bob.ApiPostAsync(Tokens + "create", new { name = "ci", expires_in_days = 30 });
        Assert.Equal(200, created.Status);
        var secret = created["token"].GetString()!;
        Assert.StartsWith("keel_", secret, StringComparison.Ordinal);
        var id = created["token_info"].GetProperty("token_id").GetString()!;

        var asToken = _server.Bearer(secret);
        var me = await asToken.ApiGetAsync("users/get?username=bob");
        Assert.Equal(200, me.Status);

        var list = await bob.ApiGetAsync(Tokens + "list");
        var listed = Assert.Single(list["tokens"].EnumerateArray());
        Assert.Equal(id, listed.GetProperty("token_id").GetString());
        Assert.True(listed.GetProperty("last_used_at").GetInt64() > 0);
        Assert.DoesNotContain(secret, list.Body, StringComparison.Ordinal);
        Assert.DoesNotContain(secret[^20..], list.Body, StringComparison.Ordinal);

        // A token with one character changed is refused.
        var forged = secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A');
        Assert.Equal(401, (await _server.Bearer(forged).ApiGetAsync("users/get?username=bob")).Status);
    }

    [Fact]
    public async Task ARevokedToken_Is401_AndOnlyItsOwnerCanRevokeIt()
    {
        var bob = await _server.UserAsync("bob");
        var carol = await _server.UserAsync("carol");
        var created = await bob.ApiPostAsync(Tokens + "create", new { name = "ci" });
        var secret = created["token"].GetString()!;
        var id = created["token_info"].GetProperty("token_id").GetString()!;

        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await carol.ApiPostAsync(Tokens + "revoke", new { token_id = id })).ErrorCode);
        Assert.Equal(200, (await _server.Bearer(secret).ApiGetAsync("users/get?username=bob")).Status);

        var revoked = await bob.ApiPostAsync(Tokens + "revoke", new { token_id = id });
        Assert.Equal(200, revoked.Status);
        Assert.True(revoked["token_info"].GetProperty("revoked_at").GetInt64() > 0);
        Assert.Equal(401, (await _server.Bearer(secret).ApiGetAsync("users/get?username=bob")).Status);
    }

    [Fact]
    public async Task AnExpiredToken_Is401()
    {
        var bob = await _server.UserAsync("bob");
        var secret = (await bob.ApiPostAsync(Tokens + "create", new { name = "short", expires_in_days = 1 }))["token"].GetString()!;
        Assert.Equal(200, (await _server.Bearer(secret).ApiGetAsync("users/get?username=bob")).Status);

        _server.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        Assert.Equal(401, (await _server.Bearer(secret).ApiGetAsync("users/get?username=bob")).Status);
    }

    [Fact]
    public async Task AReadScopedToken_Reads_ButCannotChangeAnything()
    {
        var bob = await _server.UserAsync("bob");
        var experiment = await bob.CreateExperimentAsync();
        var secret = (await bob.ApiPostAsync(Tokens + "create", new { name = "dashboard", scope = "read" }))["token"].GetString()!;
        var reader = _server.Bearer(secret);

        Assert.Equal(200, (await reader.ApiGetAsync($"experiments/get?experiment_id={experiment}")).Status);
        var denied = await reader.ApiPostAsync("experiments/set-experiment-tag", new { experiment_id = experiment, key = "k", value = "v" });
        Assert.Equal((403, "PERMISSION_DENIED"), (denied.Status, denied.ErrorCode));
        Assert.Equal(403, (await reader.ApiPostAsync(Tokens + "create", new { name = "escalate" })).Status);
    }

    [Fact]
    public async Task TokenCreate_RefusesABadScopeOrLifetime_AndADuplicateName()
    {
        var bob = await _server.UserAsync("bob");
        Assert.Equal("INVALID_PARAMETER_VALUE", (await bob.ApiPostAsync(Tokens + "create", new { name = "x", scope = "admin" })).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await bob.ApiPostAsync(Tokens + "create", new { name = "x", expires_in_days = 400 })).ErrorCode);
        Assert.Equal("INVALID_PARAMETER_VALUE", (await bob.ApiPostAsync(Tokens + "create", new { name = "x", expires_in_days = -1 })).ErrorCode);
        Assert.Equal(200, (await bob.ApiPostAsync(Tokens + "create", new { name = "x" })).Status);
        Assert.Equal("RESOURCE_ALREADY_EXISTS", (await bob.ApiPostAsync(Tokens + "create", new { name = "x" })).ErrorCode);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
