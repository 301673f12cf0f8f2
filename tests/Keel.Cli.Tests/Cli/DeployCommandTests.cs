using System.Text.RegularExpressions;
using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Client;
using Keel.Cli.Tests.Infrastructure;

namespace Keel.Cli.Tests.Cli;

public sealed class DeployCommandTests(KeelServerFixture server) : IDisposable
{
    private const string User = "deployer";

    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-deploy-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<CliResult> Keel(params string[] args) =>
        CliRun.RunAsync([.. args, "--tracking-uri", server.BaseAddress.AbsoluteUri], new Dictionary<string, string> { ["KEEL_USER"] = User });

    private async Task<CliResult> OkAsync(params string[] args)
    {
        var result = await Keel(args);
        Assert.True(result.ExitCode == 0, result.ToString());
        CliRun.AssertOnlyStoreLine(result);
        return result;
    }

    private async Task<string> ModelAsync(int versions)
    {
        using var client = server.CreateClient();
        return (await RegistrySeed.ModelAsync(client, versions, _ct, "deploy")).Name;
    }

    private string SpecFile(string name, string model, string version, string extra = "")
    {
        var path = Path.Combine(_folder, $"{name}-{version}.yaml");
        File.WriteAllText(path, $"""
            name: {name}
            model: {model}
            version: {version}
            strategy: canary
            traffic:
              routing_key:
                header: X-Customer-Id
            steps:
              - set_weight: 10
              - pause:
                  duration: 10m
                  min_requests: 500
              - analysis:
              - set_weight: 50
              - pause:
            gates:
              error_rate:
                max_increase: 0.01
              prediction_shift:
                method: psi
                max: 0.2
            {extra}
            """);
        return path;
    }

    private static string Row(CliResult result, string startsWith) =>
        Assert.Single(result.Lines, l => l.TrimStart().StartsWith(startsWith, StringComparison.Ordinal));

    [Fact]
    public async Task Help_ListsEverySubcommand()
    {
        var result = await Keel("deploy", "--help");
        foreach (var verb in new[] { "create", "apply", "status", "list", "promote", "pause", "resume", "rollback", "delete", "history", "report" })
        {
            Assert.Contains(result.Lines, l => Regex.IsMatch(l, $@"^\s+{verb}\s"));
        }
    }

    [Fact]
    public async Task ApplyYaml_Twice_ThenANewVersion_ThenPromote_ThroughTheWholeCli()
    {
        var model = await ModelAsync(2);
        var name = "cli-" + model;
        var v1 = SpecFile(name, model, "1");

        var created = await OkAsync("deploy", "apply", v1, "--reason", "first release");
        Assert.Equal($"Deployment '{name}': created.", created.Lines[0]);
        Assert.Matches(@"^\s*State\s+idle$", Row(created, "State"));

        var again = await OkAsync("deploy", "apply", v1);
        Assert.Equal($"Deployment '{name}' unchanged: it already matches the spec.", again.Lines[0]);

        var rollout = await OkAsync("deploy", "apply", SpecFile(name, model, "2"), "--json");
        var json = rollout.Json();
        Assert.Equal("rollout_started", json.GetProperty("change").GetString());
        Assert.Equal(10, json.GetProperty("deployment").GetProperty("candidate_weight").GetInt32());

        var status = await OkAsync("deploy", "status", name);
        Assert.Matches(@"^\s*Candidate weight\s+10%$", Row(status, "Candidate weight"));
        Assert.Matches(@"^\s*Step\s+1 of 5: set weight 10%$", Row(status, "Step"));

        await OkAsync("deploy", "pause", name, "-m", "hold for the weekend");
        Assert.Matches(@"^\s*State\s+paused$", Row(await OkAsync("deploy", "status", name), "State"));
        await OkAsync("deploy", "resume", name);
        var promoted = await OkAsync("deploy", "promote", name, "--reason", "good enough");
        Assert.Equal($"Deployment '{name}' is promoted.", promoted.Lines[0]);
        Assert.Matches(@"^\s*Stable\s+2$", Row(promoted, "Stable"));

        var list = await OkAsync("deploy", "list", "--json");
        Assert.Contains(list.Json().EnumerateArray(), d => d.GetProperty("name").GetString() == name && d.GetProperty("state").GetString() == "promoted");

        var history = await OkAsync("deploy", "history", name, "--json");
        var kinds = history.Json().EnumerateArray().Select(e => e.GetProperty("kind").GetString()).ToList();
        Assert.Equal(["created", "rollout_started", "paused", "resumed", "promoted"], kinds);
        Assert.All(history.Json().EnumerateArray(), e => Assert.Equal(User, e.GetProperty("user").GetString()));
        var table = await OkAsync("deploy", "history", name);
        Assert.Contains(table.Lines, l => l.Contains("good enough", StringComparison.Ordinal));

        var trail = await OkAsync("models", "history", model);
        Assert.Contains(trail.Lines, l => l.Contains("deployment_promoted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Delete_DuringARollout_NeedsForceAndAReason_ThenTheDeploymentIsGone_AndTheTrailKeepsIt()
    {
        var model = await ModelAsync(2);
        var name = "cli-del-" + model;
        await OkAsync("deploy", "create", SpecFile(name, model, "1"));
        await OkAsync("deploy", "apply", SpecFile(name, model, "2"));

        CliRun.AssertOneLineError(await Keel("deploy", "delete", name), ExitCodes.Failure, "INVALID_STATE");
        var deleted = await OkAsync("deploy", "delete", name, "--force", "--reason", "abandoned experiment");

        Assert.Equal($"Deployment '{name}' deleted.", deleted.Lines[0]);
        CliRun.AssertOneLineError(await Keel("deploy", "status", name), ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
        var trail = await OkAsync("models", "history", model);
        Assert.Contains(trail.Lines, l => l.Contains("deployment_deleted", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rollback_OfAnIdleDeployment_FailsWithOneLine_InvalidState()
    {
        var model = await ModelAsync(1);
        var name = "cli-" + model;
        await OkAsync("deploy", "create", SpecFile(name, model, "1"));

        var result = await Keel("deploy", "rollback", name);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "INVALID_STATE");
    }

    [Fact]
    public async Task Apply_SpecWithAMisspelledField_IsRefused_NotIgnored()
    {
        var model = await ModelAsync(1);
        var result = await Keel("deploy", "apply", SpecFile("typo-" + model, model, "1", "set_wieght: 5"));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "set_wieght");
    }

    [Fact]
    public async Task Apply_InvalidSpec_ReportsEveryProblem()
    {
        var model = await ModelAsync(1);
        var path = Path.Combine(_folder, "bad.yaml");
        await File.WriteAllTextAsync(path, $"name: bad\nmodel: {model}\nversion: 1\nstrategy: shadow\ntraffic:\n  shadow_share: 2\nsteps:\n  - set_weight: 150\n", _ct);

        var result = await Keel("deploy", "apply", path);

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "INVALID_PARAMETER_VALUE");
        Assert.Contains("shadow_share", result.Error, StringComparison.Ordinal);
        Assert.Contains("0 to 100", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Apply_MissingFile_IsAUsageError()
    {
        var result = await Keel("deploy", "apply", Path.Combine(_folder, "nope.yaml"));

        CliRun.AssertOneLineError(result, ExitCodes.Failure, "does not exist");
    }
}
