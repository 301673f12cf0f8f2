using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Client;
using Keel.Cli.Tests.Infrastructure;

namespace Keel.Cli.Tests.Monitor;

/// <summary><c>keel monitor apply/status/alerts/run</c> against a Keel server (--tracking-uri): the same commands as on a local store, through the REST API.</summary>
public sealed class MonitorCommandsServerTests(KeelServerFixture server) : IDisposable
{
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-monitor-cli-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private Task<CliResult> Keel(params string[] args) =>
        CliRun.RunAsync([.. args, "--tracking-uri", server.BaseAddress.AbsoluteUri], new Dictionary<string, string> { ["KEEL_USER"] = "watcher" });

    private async Task<string> ModelAsync()
    {
        using var client = server.CreateClient();
        return (await RegistrySeed.ModelAsync(client, 1, _ct, "monitored")).Name;
    }

    private string SpecFile(string model, string rules)
    {
        var path = Path.Combine(_folder, "monitor.yaml");
        File.WriteAllText(path, $"""
            model: {model}
            interval_seconds: 120
            every_predictions: 5000
            rules:
            {rules}
            notifiers:
              - kind: webhook
                url: https://hooks.example.com/keel
                format: slack
            """);
        return path;
    }

    private const string Rules = """
          - name: drift
            kind: drifted_share
            threshold: 0.3
            for: 3
            severity: critical
            actions:
              - kind: rollback_production
          - name: quiet
            kind: no_traffic
        """;

    [Fact]
    public async Task Apply_AYamlSpec_StoresTheMonitor_AndStatusShowsIt_AsTextAndJson()
    {
        var model = await ModelAsync();

        var applied = await Keel("monitor", "apply", SpecFile(model, Rules));
        Assert.True(applied.ExitCode == 0, applied.ToString());
        CliRun.AssertOnlyStoreLine(applied);
        Assert.Contains($"Monitor of '{model}' applied by watcher: enabled, every 120 s (and every 5000 predictions), window 120 s, drift from 100 rows, 2 rule(s), 1 notifier(s).", applied.Out, StringComparison.Ordinal);

        var status = await Keel("monitor", "status", model);
        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("Monitor: applied by watcher at ", status.Out, StringComparison.Ordinal);
        Assert.Contains("No windows yet", status.Out, StringComparison.Ordinal);
        Assert.Contains("No active alerts.", status.Out, StringComparison.Ordinal);

        var json = (await Keel("monitor", "status", model, "--json")).Json();
        Assert.Equal(model, json.GetProperty("model").GetString());
        var spec = json.GetProperty("monitor").GetProperty("spec");
        Assert.Equal(3, spec.GetProperty("rules")[0].GetProperty("for").GetInt32());
        Assert.Equal("production", spec.GetProperty("rules")[0].GetProperty("actions")[0].GetProperty("alias").GetString());
        Assert.False(json.GetProperty("monitor").GetProperty("default").GetBoolean());
        Assert.Empty(json.GetProperty("latest").EnumerateArray());
    }

    [Fact]
    public async Task Apply_ABadSpec_FailsOnOneLine_NamingEveryProblem_AndStoresNothing()
    {
        var model = await ModelAsync();
        var bad = await Keel("monitor", "apply", SpecFile(model, """
              - name: drift
                kind: drifted_share
                threshold: 3
              - name: drift
                kind: vibes
            """));

        CliRun.AssertOneLineError(bad, ExitCodes.Failure, "is a share: between 0 and 1");
        Assert.Contains("used twice", bad.Error, StringComparison.Ordinal);
        Assert.Contains("vibes", bad.Error, StringComparison.Ordinal);
        Assert.True((await Keel("monitor", "status", model, "--json")).Json().GetProperty("monitor").GetProperty("default").GetBoolean());

        var unknown = await Keel("monitor", "apply", SpecFile(model, "  - {name: x, kind: no_traffic, every: 5}"));
        CliRun.AssertOneLineError(unknown, ExitCodes.Failure, "at 'rules[0].every'");
    }

    [Fact]
    public async Task StatusAlertsAndRun_OfAnUnknownModel_FailOnOneLine_WithTheServersError()
    {
        foreach (var args in new[] { new[] { "monitor", "status", "no-such-model" }, ["monitor", "run", "no-such-model"], ["monitor", "apply", SpecFile("no-such-model", "  []")] })
        {
            CliRun.AssertOneLineError(await Keel(args), ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
        }

        var none = await Keel("monitor", "alerts", "no-such-model");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Equal("No alerts.", none.Out.Trim());
        Assert.Empty((await Keel("monitor", "alerts", "no-such-model", "--history", "--json")).Json().EnumerateArray());
        CliRun.AssertOneLineError(await Keel("monitor", "alerts", "no-such-model", "--state", "exploded"), ExitCodes.Failure, "Unknown alert state 'exploded'");
    }

    [Fact]
    public async Task Retraining_OfAModelWithoutJobs_SaysSo_AndAnUnknownJobOrStateFailsOnOneLine()
    {
        var none = await Keel("monitor", "retraining", "--model", "no-such-model");
        Assert.True(none.ExitCode == 0, none.ToString());
        Assert.Equal("No retraining jobs.", none.Out.Trim());
        Assert.Equal(0, (await Keel("monitor", "retraining", "--model", "no-such-model", "--json")).Json().GetProperty("jobs").GetArrayLength());
        CliRun.AssertOneLineError(await Keel("monitor", "retraining", "--id", "retrain-nope"), ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
        CliRun.AssertOneLineError(await Keel("monitor", "retraining", "--state", "exploded"), ExitCodes.Failure, "Unknown retraining state 'exploded'");
        CliRun.AssertOneLineError(await Keel("monitor", "retraining", "--model", "a\u0007b"), ExitCodes.Failure, "control characters");
    }
}
