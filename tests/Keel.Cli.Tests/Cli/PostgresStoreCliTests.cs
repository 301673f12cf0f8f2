using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Tracking;
using Keel.Stores;
using Keel.Testing.Postgres;
using Npgsql;

namespace Keel.Cli.Tests.Cli;

/// <summary>
/// The CLI on a PostgreSQL store (<c>--tracking-uri postgresql://...</c>, <c>$MLFLOW_TRACKING_URI</c>):
/// opened in-process through <see cref="StoreFactory"/>, as on a SQLite file, on the test cluster.
/// </summary>
public sealed class PostgresStoreCliTests(PostgresServer postgres) : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-cli-pg-").FullName;
    private string _connectionString = string.Empty;

    private string Artifacts => Path.Combine(_folder, "artifacts");

    public async ValueTask InitializeAsync() => _connectionString = await postgres.CreateDatabaseAsync();

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await postgres.DropDatabaseAsync(_connectionString);
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>The database as an operator writes it, with a password (the test cluster trusts loopback, so any password opens it).</summary>
    private string Uri(string password = "s3cret")
    {
        var cs = new NpgsqlConnectionStringBuilder(_connectionString);
        return $"postgresql://{cs.Username}:{password}@/{cs.Database}?host={System.Uri.EscapeDataString(cs.Host!)}&port={cs.Port}";
    }

    private Task<CliResult> RunAsync(params string[] args) =>
        CliRun.RunAsync([.. args, "--tracking-uri", Uri()], new Dictionary<string, string> { ["KEEL_ARTIFACTS_URI"] = Artifacts }, workingDirectory: _folder);

    private static void Ok(CliResult result) => Assert.True(result.ExitCode == 0, result.ToString());

    [Fact]
    public async Task ExperimentsRunsModelsAndServing_OnAPostgresTrackingUri_WriteAndReadThatDatabase_AndTheStoreLineMasksThePassword()
    {
        var created = await RunAsync("experiments", "create", "pg-experiment");
        Ok(created);
        Ok(await RunAsync("models", "create", "pg-model", "--description", "on PostgreSQL"));

        var experiments = await RunAsync("experiments", "list");
        var models = await RunAsync("models", "list");
        var serving = await RunAsync("serving", "list", "--json");

        Ok(experiments);
        Ok(models);
        Ok(serving);
        Assert.Contains("pg-experiment", experiments.Out, StringComparison.Ordinal);
        Assert.Contains("pg-model", models.Out, StringComparison.Ordinal);
        _ = serving.Json();
        Assert.StartsWith("store: postgresql://", created.Error, StringComparison.Ordinal);
        Assert.Contains("(--tracking-uri)", created.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cret", created.Error + experiments.Error + models.Error + serving.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "keel-data", "keel.db")));

        // What the CLI wrote is in the database, as the server would read it.
        await using var stores = await StoreFactory.OpenAsync(Uri(), Artifacts, cancellationToken: TestContext.Current.CancellationToken);
        var experiment = await stores.Tracking.GetExperimentByNameAsync("pg-experiment", TestContext.Current.CancellationToken);
        Assert.NotNull(experiment);
        Assert.Equal("on PostgreSQL", (await stores.Registry.GetRegisteredModelAsync("pg-model", TestContext.Current.CancellationToken)).Description);

        var run = await stores.Tracking.CreateRunAsync(new CreateRunCommand(experiment.ExperimentId, "alice", "pg-run", null, null), TestContext.Current.CancellationToken);
        var runs = await RunAsync("runs", "list", "--experiment-id", experiment.ExperimentId);
        Ok(runs);
        Assert.Contains(run.Info.RunId, runs.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task MlflowTrackingUri_NamingPostgres_IsThatStore()
    {
        var environment = new Dictionary<string, string> { ["MLFLOW_TRACKING_URI"] = Uri(), ["KEEL_ARTIFACTS_URI"] = Artifacts };

        var created = await CliRun.RunAsync(["experiments", "create", "from-env"], environment, workingDirectory: _folder);
        var listed = await CliRun.RunAsync(["experiments", "list"], environment, workingDirectory: _folder);

        Ok(created);
        Ok(listed);
        Assert.Contains("(MLFLOW_TRACKING_URI)", created.Error, StringComparison.Ordinal);
        Assert.Contains("from-env", listed.Out, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_folder, "keel-data", "keel.db")));
    }

    [Fact]
    public async Task AdminCreateUser_OnPostgres_CreatesTheUserThere()
    {
        var result = await CliRun.RunAsync(["admin", "create-user", "pg-admin", "--admin", "--backend-store-uri", Uri()], workingDirectory: _folder, input: "a-long-password-1\n");

        Ok(result);
        await using var stores = await StoreFactory.OpenAsync(Uri(), Artifacts, cancellationToken: TestContext.Current.CancellationToken);
        var user = await stores.Auth.GetUserAsync("pg-admin", TestContext.Current.CancellationToken);
        Assert.NotNull(user);
        Assert.True(user.IsAdmin);
    }

    [Fact]
    public async Task AnUnsupportedPostgresDriver_IsAUsageError_NamingIt()
    {
        var result = await CliRun.RunAsync(["experiments", "list", "--tracking-uri", "postgresql+asyncpg://keel@localhost/keel"], workingDirectory: _folder);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "asyncpg");
    }
}
