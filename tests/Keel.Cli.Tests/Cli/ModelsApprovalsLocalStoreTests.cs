using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Registry;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests.Cli;

/// <summary><c>keel models approvals</c> on a local store: the same rules as the server (the identity is KEEL_USER there).</summary>
public sealed class ModelsApprovalsLocalStoreTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-approvals-cli-").FullName;

    private string Database => Path.Combine(_folder, "keel.db");

    public async ValueTask InitializeAsync()
    {
        await using var database = new SqliteTrackingStore(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System);
        var registry = new SqliteRegistryStore(database.Database, database.ArtifactRoot);
        await registry.CreateRegisteredModelAsync("credit", null, null, new Actor("seed"));
        await registry.CreateModelVersionAsync(new CreateModelVersionCommand("credit", "mlflow-artifacts:/m/1", null, null, null, null, null), new Actor("seed"));
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<CliResult> Keel(string user, params string[] args) =>
        CliRun.RunAsync([.. args, "--tracking-uri", "sqlite:///" + Database], new Dictionary<string, string> { ["KEEL_USER"] = user });

    private async Task<CliResult> OkAsync(string user, params string[] args)
    {
        var result = await Keel(user, args);
        Assert.True(result.ExitCode == 0, result.ToString());
        return result;
    }

    [Fact]
    public async Task PolicyRequestApprove_ThenPromote_WithTheRequesterRefused_AndHeldAtNamingTheApprover()
    {
        Assert.Contains("no approval policy", (await OkAsync("owner", "models", "approvals", "policy", "credit")).Out, StringComparison.Ordinal);
        Assert.Contains("needs 1 approval(s)", (await OkAsync("owner", "models", "approvals", "policy", "credit", "--required", "1", "--lifetime", "2h")).Out, StringComparison.Ordinal);

        CliRun.AssertOneLineError(await Keel("alice", "models", "promote", "credit", "1", "--stage", "production"), ExitCodes.Failure, "needs 1 approval(s)");
        var requested = await OkAsync("alice", "models", "approvals", "request", "credit", "1", "--target", "stage:Production", "--reason", "beats the champion", "--json");
        Assert.Equal(1, requested.Json().GetProperty("id").GetInt64());
        CliRun.AssertOneLineError(await Keel("alice", "models", "approvals", "approve", "credit", "1"), ExitCodes.Failure, "four eyes");
        Assert.Contains("approved (1/1)", (await OkAsync("bob", "models", "approvals", "approve", "credit", "1", "--reason", "checked")).Out, StringComparison.Ordinal);

        await OkAsync("alice", "models", "promote", "credit", "1", "--stage", "production");
        Assert.Contains("used (1/1)", (await OkAsync("alice", "models", "approvals", "list", "credit")).Out, StringComparison.Ordinal);
        var now = DateTimeOffset.UtcNow.AddSeconds(1).ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture);
        var held = await OkAsync("alice", "models", "held-at", "credit", "--stage", "production", "--at", now);
        Assert.Contains("moved there by alice", held.Out, StringComparison.Ordinal);
        Assert.Contains("approved by bob", held.Out, StringComparison.Ordinal);
    }
}
