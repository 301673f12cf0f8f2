using Keel.Core.Auth;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;

namespace Keel.Storage.Tests.Auth;

public sealed class PostgresAuthStoreTests(PostgresServer server) : AuthStoreComplianceTests
{
    private readonly PostgresTestDatabase _db = new(server);

    protected override async Task<IAuthStore> CreateStoreAsync() => new PostgresAuthStore(await _db.CreateAsync(Clock));

    [Fact]
    public async Task UsersAndTokens_SurviveARestart()
    {
        var alice = await Store.CreateUserAsync("alice", "h", true);
        await Store.CreateRegisteredModelPermissionAsync("credit", alice.Id, Permission.Manage);
        await Store.CreateTokenAsync(Token("aaaa", alice.Id, "ci"));

        var reopened = new PostgresAuthStore(await _db.ReopenAsync(Clock));
        Assert.Equal(alice, await reopened.GetUserAsync("alice"));
        Assert.Equal(Permission.Manage, (await reopened.GetRegisteredModelPermissionAsync("credit", alice.Id))!.Permission);
        Assert.NotNull(await reopened.GetTokenAsync("aaaa"));
    }

    public override ValueTask DisposeAsync() => _db.DisposeAsync();
}
