using System.Diagnostics;
using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests.Monitor;

/// <summary><c>keel monitor rules</c> on a local store: the rules file of stored monitors, checked by promtool.</summary>
public sealed class MonitorRulesCommandTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-monitor-rules-").FullName;

    private string Database => Path.Combine(_folder, "keel.db");

    public async ValueTask InitializeAsync()
    {
        await using var database = new SqliteTrackingStore(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System);
        var registry = new SqliteRegistryStore(database.Database, database.ArtifactRoot);
        var monitors = new SqliteMonitoringStore(database.Database);
        foreach (var model in new[] { "credit", "fraud", "quiet" })
        {
            await registry.CreateRegisteredModelAsync(model, null, null, new Actor("seed"));
        }

        await monitors.PutMonitorAsync(MonitorSpecValidator.Normalize(new MonitorSpec
        {
            Model = "credit",
            IntervalSeconds = 300,
            Rules =
            [
                new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, ClearThreshold = 0.2, For = 3, ClearFor = 2, Severity = "critical" },
                new AlertRule { Name = "errors", Kind = AlertRuleKinds.ErrorRate, Threshold = 0.01 },
            ],
        }), "seed");
        await monitors.PutMonitorAsync(MonitorSpecValidator.Normalize(new MonitorSpec
        {
            Model = "fraud",
            Rules = [new AlertRule { Name = "auc", Kind = AlertRuleKinds.MetricDrop, Threshold = 0.05 }],
        }), "seed");
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<CliResult> Keel(params string[] args) => CliRun.RunAsync([.. args, "--tracking-uri", "sqlite:///" + Database]);

    [Fact]
    public async Task RulesOfOneModel_WrittenToAFile_PassPromtoolCheckRules()
    {
        var file = Path.Combine(_folder, "credit-rules.yml");

        var result = await Keel("monitor", "rules", "credit", "--output", file);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains($"Wrote 2 alerting rule(s) for 1 monitor(s) to {file}", result.Out, StringComparison.Ordinal);
        var rules = await File.ReadAllTextAsync(file, TestContext.Current.CancellationToken);
        Assert.Contains("- alert: keel_credit_drift", rules, StringComparison.Ordinal);
        Assert.Contains("for: 10m", rules, StringComparison.Ordinal);
        Assert.DoesNotContain("fraud", rules, StringComparison.Ordinal);
        var (exit, output) = await PromtoolCheckAsync(file);
        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 2 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task All_PrintsEveryStoredMonitorsRules_OnStandardOutput()
    {
        var result = await Keel("monitor", "rules", "--all");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("- name: 'keel-monitor-credit'", result.Out, StringComparison.Ordinal);
        Assert.Contains("- name: 'keel-monitor-fraud'", result.Out, StringComparison.Ordinal);
        Assert.DoesNotContain("quiet", result.Out, StringComparison.Ordinal);
        var file = Path.Combine(_folder, "all.yml");
        await File.WriteAllTextAsync(file, result.Out, TestContext.Current.CancellationToken);
        var (exit, output) = await PromtoolCheckAsync(file);
        Assert.True(exit == 0, output);
        Assert.Contains("SUCCESS: 3 rules found", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_SaysWhichModelsAndHowManyRules()
    {
        var result = await Keel("monitor", "rules", "--all", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var json = result.Json();
        Assert.Equal(["credit", "fraud"], json.GetProperty("models").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(3, json.GetProperty("rules").GetInt32());
        Assert.StartsWith("# Prometheus alerting rules", json.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AModelWithoutAStoredMonitor_OrNoModelAndNoAll_IsAOneLineError()
    {
        CliRun.AssertOneLineError(await Keel("monitor", "rules", "quiet"), ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
        CliRun.AssertOneLineError(await Keel("monitor", "rules"), ExitCodes.Failure, "Name a model, or give --all");
        CliRun.AssertOneLineError(await Keel("monitor", "rules", "credit", "--all"), ExitCodes.Failure, "Name a model, or give --all");
    }

    private static async Task<(int ExitCode, string Output)> PromtoolCheckAsync(string file)
    {
        var promtool = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(d => Path.Combine(d, "promtool")).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("promtool is not installed: install Debian's prometheus package; ./test.sh does this.");
        using var process = Process.Start(new ProcessStartInfo(promtool, ["check", "rules", file]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        await process.WaitForExitAsync(TestContext.Current.CancellationToken);
        return (process.ExitCode, (await stdout) + (await stderr));
    }
}
