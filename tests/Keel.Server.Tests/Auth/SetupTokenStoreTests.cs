using System.Security.Cryptography;
using System.Text;
using Keel.Server.Auth;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Auth;

/// <summary>
/// The setup token in the auth store: kept as its SHA-256, and no way in once a user exists (however
/// that user was made: through the service, straight into the store by another process, or found by a sign-in).
/// </summary>
public sealed class SetupTokenStoreTests : IAsyncDisposable
{
    private const string Setup = "/api/2.0/keel/auth/setup";
    private readonly AuthServer _server = new(createAdmin: false);

    [Fact]
    public async Task TheStoreKeepsTheSetupTokensSha256_NotItsText()
    {
        var token = await IssueAsync();
        Assert.False(await _server.Auth.Store.SpendSetupTokenAsync(Encoding.UTF8.GetBytes(token)));
        Assert.True(await _server.Auth.Store.SpendSetupTokenAsync(Sha256(token)));
    }

    [Fact]
    public async Task ATokenIssuedBeforeAUserIsCreated_IsRefusedAfterwards_AndCreatesNoAdmin()
    {
        var token = await IssueAsync();
        await _server.Auth.CreateUserAsync("alice", AuthServer.Password);

        var answer = await _server.Anonymous().ApiPostAsync(Setup, new { setup_token = token, username = "root", password = "root-password-123" });
        Assert.Equal((403, "PERMISSION_DENIED"), (answer.Status, answer.ErrorCode));
        Assert.Null(await _server.Auth.Store.GetUserAsync("root"));
    }

    [Fact]
    public async Task AUserWrittenToTheStoreBetweenIssueAndUse_StillStopsTheSetupToken()
    {
        // Another process wrote a user without spending the setup tokens (the store's plain CreateUser).
        var token = await IssueAsync();
        await _server.Auth.Store.CreateUserAsync("alice", new IdentityPasswordHasher().Hash(AuthServer.Password), false);

        var answer = await _server.Anonymous().ApiPostAsync(Setup, new { setup_token = token, username = "root", password = "root-password-123" });
        Assert.Equal((400, "INVALID_STATE"), (answer.Status, answer.ErrorCode));
        Assert.Null(await _server.Auth.Store.GetUserAsync("root"));
    }

    [Fact]
    public async Task ASignIn_SpendsTheSetupTokensThisServerIssued()
    {
        var token = await IssueAsync();
        await _server.Auth.Store.CreateUserAsync("alice", new IdentityPasswordHasher().Hash(AuthServer.Password), false);

        Assert.Equal(200, (await _server.Basic("alice", AuthServer.Password).ApiGetAsync("experiments/search?max_results=1")).Status);
        Assert.False(_server.Services.GetRequiredService<SetupToken>().Pending);
        Assert.False(await _server.Auth.Store.SpendSetupTokenAsync(Sha256(token)));
    }

    private async Task<string> IssueAsync() =>
        (await _server.Services.GetRequiredService<SetupToken>().IssueAsync())!;

    private static byte[] Sha256(string text) => SHA256.HashData(Encoding.UTF8.GetBytes(text));

    public ValueTask DisposeAsync() => _server.DisposeAsync();
}
