using Keel.Core.Auth;
using Keel.Core.Errors;

namespace Keel.Storage.Tests.Auth;

public abstract partial class AuthStoreComplianceTests
{
    [Fact]
    public async Task CreateToken_IsReadBackWithItsHash_AndListedNewestFirst()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        var first = await Store.CreateTokenAsync(Token("aaaa", alice.Id, "ci"));
        Clock.Advance(TimeSpan.FromSeconds(1));
        var second = await Store.CreateTokenAsync(Token("bbbb", alice.Id, "laptop") with { Scope = TokenScopes.Read });

        var read = (await Store.GetTokenAsync("aaaa"))!;
        Assert.Equal((first.Id, alice.Id, "ci", TokenScopes.All, first.CreatedAt, first.ExpiresAt), (read.Id, read.UserId, read.Name, read.Scope, read.CreatedAt, read.ExpiresAt));
        Assert.Equal(first.SecretHash, read.SecretHash);
        Assert.Null(read.RevokedAt);
        Assert.Null(read.LastUsedAt);
        Assert.Equal(["bbbb", "aaaa"], (await Store.ListTokensAsync(alice.Id)).Select(t => t.Id));
        Assert.Equal(TokenScopes.Read, (await Store.GetTokenAsync(second.Id))!.Scope);
        Assert.Null(await Store.GetTokenAsync("cccc"));
    }

    [Fact]
    public async Task CreateToken_WithANameTheUserHas_IsAlreadyExists_ButAnotherUserMayUseIt()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        var bob = await Store.CreateUserAsync("bob", "h", false);
        await Store.CreateTokenAsync(Token("aaaa", alice.Id, "ci"));
        Assert.Equal(ErrorCode.ResourceAlreadyExists, (await Assert.ThrowsAsync<KeelException>(() => Store.CreateTokenAsync(Token("bbbb", alice.Id, "ci")))).Code);
        await Store.CreateTokenAsync(Token("cccc", bob.Id, "ci"));
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.CreateTokenAsync(Token("dddd", bob.Id + 1000, "x")))).Code);
    }

    [Fact]
    public async Task RevokeToken_StampsTheFirstTime_AndOnlyForItsOwner()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        var bob = await Store.CreateUserAsync("bob", "h", false);
        await Store.CreateTokenAsync(Token("aaaa", alice.Id, "ci"));

        Assert.Null(await Store.RevokeTokenAsync(bob.Id, "aaaa", Now));
        Assert.Null((await Store.GetTokenAsync("aaaa"))!.RevokedAt);

        var revoked = await Store.RevokeTokenAsync(alice.Id, "aaaa", Now);
        Assert.Equal(Now, revoked!.RevokedAt);
        Assert.False(revoked.IsActive(Now));
        var again = await Store.RevokeTokenAsync(alice.Id, "aaaa", Now + 5000);
        Assert.Equal(Now, again!.RevokedAt);
    }

    [Fact]
    public async Task TouchToken_RecordsTheLastUse_NeverGoingBack()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        await Store.CreateTokenAsync(Token("aaaa", alice.Id, "ci"));
        await Store.TouchTokenAsync("aaaa", Now + 2000);
        await Store.TouchTokenAsync("aaaa", Now + 1000);
        Assert.Equal(Now + 2000, (await Store.GetTokenAsync("aaaa"))!.LastUsedAt);
    }
}
