using Keel.Core.Auth;
using Keel.Core.Errors;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Storage.Tests.Auth;

/// <summary>Every behaviour an <see cref="IAuthStore"/> must have, whatever the backend.</summary>
public abstract partial class AuthStoreComplianceTests : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    protected IAuthStore Store { get; private set; } = null!;

    /// <summary>A new, empty backend using <see cref="Clock"/>.</summary>
    protected abstract Task<IAuthStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public abstract ValueTask DisposeAsync();

    [Fact]
    public async Task CreateUser_IsReadBackByNameAndId_AndNumbersUsersApart()
    {
        Assert.Equal(0, await Store.CountUsersAsync());
        var alice = await Store.CreateUserAsync("alice", "hash-a", isAdmin: true);
        var bob = await Store.CreateUserAsync("bob", "hash-b", isAdmin: false);
        Assert.NotEqual(alice.Id, bob.Id);
        Assert.Equal(new AuthUser(alice.Id, "alice", "hash-a", true), await Store.GetUserAsync("alice"));
        Assert.Equal(bob, await Store.GetUserByIdAsync(bob.Id));
        Assert.Null(await Store.GetUserAsync("carol"));
        Assert.Null(await Store.GetUserAsync("ALICE"));
        Assert.Equal(2, await Store.CountUsersAsync());
    }

    [Fact]
    public async Task CreateUser_WithATakenName_IsResourceAlreadyExists_AndKeepsTheFirst()
    {
        await Store.CreateUserAsync("alice", "hash-a", false);
        var e = await Assert.ThrowsAsync<KeelException>(() => Store.CreateUserAsync("alice", "other", true));
        Assert.Equal(ErrorCode.ResourceAlreadyExists, e.Code);
        Assert.Equal("hash-a", (await Store.GetUserAsync("alice"))!.PasswordHash);
    }

    [Fact]
    public async Task UpdatePasswordAndAdmin_ChangeOnlyThatUser()
    {
        await Store.CreateUserAsync("alice", "hash-a", false);
        await Store.CreateUserAsync("bob", "hash-b", false);
        await Store.UpdatePasswordAsync("alice", "hash-a2");
        await Store.UpdateAdminAsync("alice", true);
        var alice = (await Store.GetUserAsync("alice"))!;
        Assert.Equal(("hash-a2", true), (alice.PasswordHash, alice.IsAdmin));
        var bob = (await Store.GetUserAsync("bob"))!;
        Assert.Equal(("hash-b", false), (bob.PasswordHash, bob.IsAdmin));
    }

    [Fact]
    public async Task UpdatesAndDelete_OfAnUnknownUser_AreResourceDoesNotExist()
    {
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.UpdatePasswordAsync("ghost", "h"))).Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.UpdateAdminAsync("ghost", true))).Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => Store.DeleteUserAsync("ghost"))).Code);
    }

    [Fact]
    public async Task DeleteUser_RemovesTheirPermissionsAndTokens_AndNotOthers()
    {
        var alice = await Store.CreateUserAsync("alice", "h", false);
        var bob = await Store.CreateUserAsync("bob", "h", false);
        await Store.CreateExperimentPermissionAsync("1", alice.Id, Permission.Edit);
        await Store.CreateRegisteredModelPermissionAsync("credit", alice.Id, Permission.Manage);
        await Store.CreateExperimentPermissionAsync("1", bob.Id, Permission.Read);
        await Store.CreateTokenAsync(Token("t1", alice.Id, "ci"));

        await Store.DeleteUserAsync("alice");

        Assert.Null(await Store.GetUserAsync("alice"));
        Assert.Empty(await Store.ListExperimentPermissionsAsync(alice.Id));
        Assert.Empty(await Store.ListRegisteredModelPermissionsAsync(alice.Id));
        Assert.Null(await Store.GetTokenAsync("t1"));
        Assert.Equal(Permission.Read, (await Store.GetExperimentPermissionAsync("1", bob.Id))!.Permission);

        // The name is free again, and the new user does not inherit the old one's grants.
        var again = await Store.CreateUserAsync("alice", "h", false);
        Assert.Null(await Store.GetExperimentPermissionAsync("1", again.Id));
    }

    protected ApiToken Token(string id, long userId, string name, long? expiresAt = null) => new(
        id, userId, name, TokenScopes.All, [1, 2, 3, (byte)id.Length], Now, expiresAt ?? Now + 3_600_000, null, null);

    protected long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();
}
