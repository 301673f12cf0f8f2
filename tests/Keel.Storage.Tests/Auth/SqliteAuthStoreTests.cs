using Keel.Core.Auth;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Auth;

public sealed class SqliteAuthStoreTests : AuthStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-auth-").FullName;
    private SqliteTrackingStore? _database;

    protected override Task<IAuthStore> CreateStoreAsync()
    {
        _database = Open();
        return Task.FromResult<IAuthStore>(new SqliteAuthStore(_database.Database));
    }

    private SqliteTrackingStore Open() => new(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), Clock);

    [Fact]
    public async Task UsersAndTokens_SurviveARestart()
    {
        var alice = await Store.CreateUserAsync("alice", "h", true);
        await Store.CreateExperimentPermissionAsync("1", alice.Id, Permission.Edit);
        await Store.CreateTokenAsync(Token("aaaa", alice.Id, "ci"));
        await _database!.DisposeAsync();
        SqliteConnection.ClearAllPools();

        _database = Open();
        var reopened = new SqliteAuthStore(_database.Database);
        Assert.Equal(alice, await reopened.GetUserAsync("alice"));
        Assert.Equal(Permission.Edit, (await reopened.GetExperimentPermissionAsync("1", alice.Id))!.Permission);
        Assert.NotNull(await reopened.GetTokenAsync("aaaa"));
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
