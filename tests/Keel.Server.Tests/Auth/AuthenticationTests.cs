using System.Net;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Auth;

/// <summary>Signing in over HTTP: Basic and Bearer, what is public, 401s, lockout, the audit's user.</summary>
public sealed class AuthenticationTests : IAsyncDisposable
{
    private readonly AuthServer _server = new();

    [Fact]
    public async Task WithoutCredentials_TheApiIs401WithWwwAuthenticate_ButHealthAndVersionArePublic()
    {
        var client = _server.Anonymous();
        using var response = await client.GetAsync("/api/2.0/mlflow/experiments/search?max_results=10");
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains(response.Headers.WwwAuthenticate, h => h.Scheme == "Basic");
        Assert.Contains("UNAUTHENTICATED", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/health")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/version")).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync("/metrics")).StatusCode);
    }

    [Fact]
    public async Task Basic_WithTheRightPassword_Passes_AndAWrongOneOrUnknownUserIs401()
    {
        Assert.Equal(200, (await _server.Admin().ApiGetAsync("experiments/search?max_results=10")).Status);
        Assert.Equal(401, (await _server.Basic("admin", "wrong-password-123").ApiGetAsync("experiments/search?max_results=10")).Status);
        Assert.Equal(401, (await _server.Basic("nobody", AuthServer.AdminPassword).ApiGetAsync("experiments/search?max_results=10")).Status);
        Assert.Equal(401, (await _server.Bearer("keel_0000_notatoken").ApiGetAsync("experiments/search?max_results=10")).Status);
    }

    [Fact]
    public async Task FiveWrongPasswords_LockTheUserOut_EvenWithTheRightOne_UntilTheLockoutEnds()
    {
        var bob = await _server.UserAsync("bob");
        Assert.Equal(200, (await bob.ApiGetAsync("experiments/search?max_results=10")).Status);
        var wrong = _server.Basic("bob", "not-bobs-password");
        for (var i = 0; i < 5; i++)
        {
            Assert.Equal(401, (await wrong.ApiGetAsync("experiments/search?max_results=10")).Status);
        }

        var locked = await bob.ApiGetAsync("experiments/search?max_results=10");
        Assert.Equal(429, locked.Status);
        Assert.Equal("REQUEST_LIMIT_EXCEEDED", locked.ErrorCode);

        // Other users are not affected; tokens are not passwords.
        Assert.Equal(200, (await _server.Admin().ApiGetAsync("experiments/search?max_results=10")).Status);

        _server.Clock.Advance(TimeSpan.FromMinutes(15) + TimeSpan.FromSeconds(1));
        Assert.Equal(200, (await bob.ApiGetAsync("experiments/search?max_results=10")).Status);
    }

    [Fact]
    public async Task TheAuditTrail_RecordsTheSignedInUser_NotTheXKeelUserHeader()
    {
        var bob = await _server.UserAsync("bob");
        var created = await bob.ApiSendAsync(HttpMethod.Post, "registered-models/create", new { name = "credit" }, user: "mallory");
        Assert.Equal(200, created.Status);

        var events = await _server.Admin().ApiGetAsync("/api/2.0/keel/registry/events?name=credit");
        Assert.Equal(200, events.Status);
        var users = events["events"].EnumerateArray().Select(e => e.GetProperty("user").GetString()).ToList();
        Assert.NotEmpty(users);
        Assert.All(users, u => Assert.Equal("bob", u));
    }

    [Fact]
    public async Task UserManagement_IsForAdmins_ButAUserReadsThemselvesAndChangesTheirOwnPassword()
    {
        var bob = await _server.UserAsync("bob");
        await _server.UserAsync("carol");

        Assert.Equal(403, (await bob.ApiPostAsync("users/create", new { username = "eve", password = "eve-password-123" })).Status);
        Assert.Equal(403, (await bob.ApiSendAsync(HttpMethod.Patch, "users/update-admin", new { username = "bob", is_admin = true })).Status);
        Assert.Equal(403, (await bob.ApiSendAsync(HttpMethod.Delete, "users/delete", new { username = "carol" })).Status);
        Assert.Equal(403, (await bob.ApiGetAsync("users/get?username=carol")).Status);
        Assert.Equal(403, (await bob.ApiSendAsync(HttpMethod.Patch, "users/update-password", new { username = "carol", password = "hijacked-password" })).Status);

        var self = await bob.ApiGetAsync("users/get?username=bob");
        Assert.Equal(200, self.Status);
        Assert.Equal("bob", self["user"].GetProperty("username").GetString());
        Assert.False(self["user"].GetProperty("is_admin").GetBoolean());

        Assert.Equal(200, (await bob.ApiSendAsync(HttpMethod.Patch, "users/update-password", new { username = "bob", password = "bobs-new-password" })).Status);
        Assert.Equal(401, (await bob.ApiGetAsync("users/get?username=bob")).Status);
        Assert.Equal(200, (await _server.Basic("bob", "bobs-new-password").ApiGetAsync("users/get?username=bob")).Status);

        // The admin makes bob an admin, then deletes carol.
        Assert.Equal(200, (await _server.Admin().ApiSendAsync(HttpMethod.Patch, "users/update-admin", new { username = "bob", is_admin = true })).Status);
        Assert.Equal(200, (await _server.Basic("bob", "bobs-new-password").ApiSendAsync(HttpMethod.Delete, "users/delete", new { username = "carol" })).Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _server.Admin().ApiGetAsync("users/get?username=carol")).ErrorCode);
    }

    [Fact]
    public async Task UsersCreate_RefusesATakenNameAndAShortPassword_WithMlflowCodes()
    {
        await _server.UserAsync("bob");
        var admin = _server.Admin();
        var taken = await admin.ApiPostAsync("users/create", new { username = "bob", password = "another-password" });
        Assert.Equal((400, "RESOURCE_ALREADY_EXISTS"), (taken.Status, taken.ErrorCode));
        var weak = await admin.ApiPostAsync("users/create", new { username = "dave", password = "short" });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (weak.Status, weak.ErrorCode));
        var colon = await admin.ApiPostAsync("users/create", new { username = "a:b", password = "long-enough-password" });
        Assert.Equal("INVALID_PARAMETER_VALUE", colon.ErrorCode);
    }

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
