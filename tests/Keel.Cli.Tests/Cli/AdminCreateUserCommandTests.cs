using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Auth;
using Keel.Server.Auth;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests.Cli;

/// <summary><c>keel admin create-user</c>: the first admin without a default password (issue 16).</summary>
public sealed class AdminCreateUserCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-admin-user-").FullName;

    private string Uri => "sqlite:///" + Path.Combine(_folder, "keel.db");

    [Fact]
    public async Task CreateUser_WithThePasswordOnStdin_MakesAnAdminWhosePasswordChecks()
    {
        var result = await CliRun.RunAsync(["admin", "create-user", "root", "--admin", "--backend-store-uri", Uri], input: "root-password-123\n");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Created admin root", result.Out, StringComparison.Ordinal);

        var database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        await using (database)
        {
            var auth = new AuthService(new SqliteAuthStore(database.Database), new IdentityPasswordHasher(), new AuthOptions(), TimeProvider.System);
            var user = await auth.AuthenticatePasswordAsync("root", "root-password-123");
            Assert.NotNull(user);
            Assert.True(user.IsAdmin);
            Assert.Null(await auth.AuthenticatePasswordAsync("root", "password1234"));
            Assert.DoesNotContain("root-password-123", user.PasswordHash, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task CreateUser_WithAShortPasswordOrATakenName_FailsWithOneErrorLine()
    {
        var weak = await CliRun.RunAsync(["admin", "create-user", "root", "--backend-store-uri", Uri], input: "short\n");
        Assert.Equal(1, weak.ExitCode);
        Assert.Contains("error: 'password' must be between 12", weak.Error, StringComparison.Ordinal);

        Assert.Equal(0, (await CliRun.RunAsync(["admin", "create-user", "root", "--backend-store-uri", Uri], input: "root-password-123\n")).ExitCode);
        var taken = await CliRun.RunAsync(["admin", "create-user", "root", "--backend-store-uri", Uri], input: "root-password-456\n");
        Assert.Equal(1, taken.ExitCode);
        Assert.Contains("already exists", taken.Error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

/// <summary><c>keel admin create-user</c> on the server's PostgreSQL database (through StoreFactory, as the server opens it).</summary>
public sealed class AdminCreateUserOnPostgresTests(Keel.Testing.Postgres.PostgresServer postgres)
{
    [Fact]
    public async Task CreateUser_OnAPostgresqlStore_MakesAnAdminTheServerAccepts()
    {
        var cs = await postgres.CreateDatabaseAsync();
        var b = new Npgsql.NpgsqlConnectionStringBuilder(cs);
        var uri = $"postgresql://{b.Username}@/{b.Database}?host={System.Uri.EscapeDataString(b.Host!)}&port={b.Port}";

        var result = await CliRun.RunAsync(["admin", "create-user", "root", "--admin", "--backend-store-uri", uri], input: "root-password-123\n");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Created admin root", result.Out, StringComparison.Ordinal);
        Assert.StartsWith("store: postgresql://", result.Error, StringComparison.Ordinal);

        var stores = await Keel.Stores.StoreFactory.OpenAsync(uri, Path.Combine(Path.GetTempPath(), "keel-create-user-artifacts"));
        await using (stores)
        {
            var auth = new AuthService(stores.Auth, new IdentityPasswordHasher(), new AuthOptions(), TimeProvider.System);
            var user = await auth.AuthenticatePasswordAsync("root", "root-password-123");
            Assert.NotNull(user);
            Assert.True(user.IsAdmin);
        }

        await postgres.DropDatabaseAsync(cs);
    }
}
