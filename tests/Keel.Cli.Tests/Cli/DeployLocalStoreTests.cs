using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Registry;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests.Cli;

/// <summary><c>keel deploy</c> on a local store (the one store rule): the same service and rules as the server.</summary>
public sealed class DeployLocalStoreTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-deploy-local-").FullName;

    private string Database => Path.Combine(_folder, "keel.db");

    public async ValueTask InitializeAsync()
    {
        await using var database = new SqliteTrackingStore(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System);
        var registry = new SqliteRegistryStore(database.Database, database.ArtifactRoot);
        await registry.CreateRegisteredModelAsync("credit-risk", null, null, new Actor("seed"));
        for (var i = 0; i < 2; i++)
        {
            await registry.CreateModelVersionAsync(new CreateModelVersionCommand("credit-risk", $"mlflow-artifacts:/m/{i}", null, null, null, null, null), new Actor("seed"));
        }

        await registry.SetModelVersionTagAsync("credit-risk", "2", new ModelVersionTag("keel.validation.status", "failed: 1 of 3 checks"), new Actor("seed"));
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<CliResult> Keel(params string[] args) =>
        CliRun.RunAsync([.. args, "--tracking-uri", "sqlite:///" + Database], new Dictionary<string, string> { ["KEEL_USER"] = "local-user" });

    private string Spec(string version)
    {
        var path = Path.Combine(_folder, $"spec-{version}.yaml");
        File.WriteAllText(path, $"name: local\nmodel: credit-risk\nversion: {version}\nstrategy: blue_green\nstage: Production\n");
        return path;
    }

    [Fact]
    public async Task ApplyAndPromote_OnALocalStore_MeetTheGuard_AndSurviveBetweenCommands()
    {
        var created = await Keel("deploy", "apply", Spec("1"), "--json");
        Assert.True(created.ExitCode == 0, created.ToString());
        CliRun.AssertOnlyStoreLine(created);
        Assert.Equal("created", created.Json().GetProperty("change").GetString());

        Assert.Equal(0, (await Keel("deploy", "apply", Spec("2"))).ExitCode);
        var refused = await Keel("deploy", "promote", "local");
        CliRun.AssertOneLineError(refused, ExitCodes.Failure, "failed its validation gates");

        var forced = await Keel("deploy", "promote", "local", "--force", "--reason", "approved by risk", "--json");
        Assert.True(forced.ExitCode == 0, forced.ToString());
        Assert.Equal(("promoted", "2"), (forced.Json().GetProperty("state").GetString(), forced.Json().GetProperty("stable_version").GetString()));

        await using var database = new SqliteTrackingStore(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System);
        var registry = new SqliteRegistryStore(database.Database, database.ArtifactRoot);
        Assert.Equal("2", (await registry.GetModelVersionByAliasAsync("credit-risk", "production")).Version);
        Assert.Equal(["2"], (await registry.GetLatestVersionsAsync("credit-risk", ["Production"])).Select(v => v.Version));
        var trail = (await registry.ListEventsAsync(new RegistryEventQuery("credit-risk"))).Items;
        var promoted = Assert.Single(trail, e => e.Kind == "deployment_promoted");
        Assert.Equal("local-user", promoted.User);
        Assert.Contains("[forced past failed gates", promoted.Comment, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_OnALocalStore_ComparesTheArmsOfTheLog_AsJsonAndHtml_WithErrorsFromTheLog()
    {
        Assert.Equal(0, (await Keel("deploy", "apply", Spec("1"))).ExitCode);
        await using (var database = new SqliteTrackingStore(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System))
        {
            var records = new List<Core.Predictions.PredictionLogRecord>();
            for (int i = 0; i < 10; i++)
            {
                foreach (var (arm, label) in new[] { ("stable", i < 5 ? "yes" : "no"), ("shadow", i < 3 ? "no" : i < 5 ? "yes" : "no") })
                {
                    records.Add(new Core.Predictions.PredictionLogRecord($"r{i}", "credit-risk", "1", 1000 + i, 10 * (i + 1), 1, ["x"], $"[[{i}]]", $$"""[{"predicted_label":"{{label}}","probability":0.6}]""")
                    {
                        Deployment = "local",
                        Arm = arm,
                    });
                }
            }

            // Two requests the shadow arm failed, as the server logs them.
            records.Add(new Core.Predictions.PredictionLogRecord("f1", "credit-risk", "1", 1020, 10, 1, ["x"], "[[1]]", "[]") { Deployment = "local", Arm = "shadow", ErrorCode = "INTERNAL_ERROR" });
            records.Add(new Core.Predictions.PredictionLogRecord("f2", "credit-risk", "1", 1021, 10, 1, ["x"], "[[2]]", "[]") { Deployment = "local", Arm = "shadow", ErrorCode = "INVALID_PARAMETER_VALUE" });
            await new SqlitePredictionStore(database.Database).AppendAsync(records);
        }

        var html = Path.Combine(_folder, "report.html");
        var json = await Keel("deploy", "report", "local", "--from", "0");
        var written = await Keel("deploy", "report", "local", "--html", html);

        Assert.True(json.ExitCode == 0, json.ToString());
        var report = json.Json();
        var agreement = report.GetProperty("comparison").GetProperty("agreement");
        Assert.Equal((7, 10), (agreement.GetProperty("agree").GetInt32(), agreement.GetProperty("total").GetInt32()));
        var arms = report.GetProperty("arms").EnumerateArray().ToDictionary(a => a.GetProperty("arm").GetString()!, a => (a.GetProperty("errors").GetInt32(), a.GetProperty("window_requests").GetInt32()));
        Assert.Equal((2, 12), arms["shadow"]);
        Assert.Equal((0, 10), arms["stable"]);
        Assert.True(written.ExitCode == 0, written.ToString());
        Assert.Contains("Agreement", await File.ReadAllTextAsync(html), StringComparison.Ordinal);
        CliRun.AssertOneLineError(await Keel("deploy", "report", "no-such"), ExitCodes.Failure, "no-such");
    }
}
