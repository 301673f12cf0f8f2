using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests.Monitor;

/// <summary><c>keel monitor summary</c> and <c>keel monitor report</c> on a local store, with the server's rules.</summary>
public sealed class MonitorSummaryCommandTests : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-monitor-summary-").FullName;

    private string Database => Path.Combine(_folder, "keel.db");

    public async ValueTask InitializeAsync()
    {
        await using var database = new SqliteTrackingStore(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System);
        await new SqliteRegistryStore(database.Database, database.ArtifactRoot).CreateRegisteredModelAsync("credit", null, null, new Actor("seed"));
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 7_200_000;
        var windows = Enumerable.Range(0, 4).Select(i => new MonitorWindow
        {
            Model = "credit",
            Version = "2",
            StartMs = start + i * 600_000,
            EndMs = start + (i + 1) * 600_000,
            Requests = 50,
            DriftedShare = i < 2 ? 0 : 0.25,
            DatasetDrift = false,
            Features = [new FeatureDrift("Income", "input", "ks", i < 2 ? 0.05 : 0.3, i < 2 ? 0.4 : 0.001, 0.05, i >= 2)],
            Performance = new WindowPerformance("roc_auc", true, i % 2 == 0 ? 0.8 : null, i % 2 == 0 ? 40 : 0, 0.78, 50, 0.82),
        }).ToList();
        await new SqliteMonitoringStore(database.Database).PutWindowsAsync(windows);
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private Task<CliResult> Keel(params string[] args) => CliRun.RunAsync([.. args, "--tracking-uri", "sqlite:///" + Database]);

    [Fact]
    public async Task Summary_LocalStore_PrintsTheTrends_AndJsonHasTheSpecificationFields()
    {
        var text = await Keel("monitor", "summary", "credit", "--days", "1");
        Assert.True(text.ExitCode == 0, text.ToString());
        Assert.Contains("Monitoring of 'credit', last 1 day(s): ok.", text.Out, StringComparison.Ordinal);
        Assert.Contains("Windows: 4", text.Out, StringComparison.Ordinal);
        Assert.Contains("Income (input): drifted in 2 of 4 windows", text.Out, StringComparison.Ordinal);
        Assert.Contains("realised:  2 windows, 80 labelled rows; mean 0.8", text.Out, StringComparison.Ordinal);
        Assert.Contains("estimated: 4 windows, 200 estimated rows; mean 0.78", text.Out, StringComparison.Ordinal);

        var json = await Keel("monitor", "summary", "credit", "--json");
        Assert.True(json.ExitCode == 0, json.ToString());
        var s = json.Json();
        Assert.Equal("ok", s.GetProperty("status").GetString());
        Assert.Equal(200, s.GetProperty("total_predictions").GetInt64());
        Assert.Equal(0.125, s.GetProperty("drift").GetProperty("mean_drifted_share").GetDouble(), 12);
        Assert.Equal("roc_auc", s.GetProperty("performance").GetProperty("metric").GetString());
    }

    [Fact]
    public async Task Report_LocalStore_WritesTheHtmlPage()
    {
        var path = Path.Combine(_folder, "report.html");
        var result = await Keel("monitor", "report", "credit", "--html", "--output", path);
        Assert.True(result.ExitCode == 0, result.ToString());
        var html = await File.ReadAllTextAsync(path, TestContext.Current.CancellationToken);
        Assert.Contains("Keel monitoring report: credit", html, StringComparison.Ordinal);
        Assert.Contains("Drift by feature over time", html, StringComparison.Ordinal);

        var stdout = await Keel("monitor", "report", "credit", "--html", "--days", "3");
        Assert.True(stdout.ExitCode == 0, stdout.ToString());
        Assert.StartsWith("<!DOCTYPE html>", stdout.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInput_IsAOneLineError_WithTheServersRules()
    {
        CliRun.AssertOneLineError(await Keel("monitor", "summary", "credit", "--days", "91"), 1, "'days' must be between 1 and 90");
        CliRun.AssertOneLineError(await Keel("monitor", "summary", "nope"), 1, "nope");
        CliRun.AssertOneLineError(await Keel("monitor", "report", "credit"), 1, "--html");
    }
}
