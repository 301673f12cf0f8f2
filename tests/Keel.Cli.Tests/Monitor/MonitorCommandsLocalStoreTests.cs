using Keel.Cli.Infrastructure;
using Keel.Cli.Tests.Infrastructure;
using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Cli.Tests.Monitor;

/// <summary><c>keel monitor</c> on a local store: the same service and rules as the server, and the status table.</summary>
public sealed class MonitorCommandsLocalStoreTests : IAsyncLifetime
{
    private const long T0 = 1_767_225_600_000; // 2026-01-01 00:00:00 UTC
    private const long Step = 300_000;
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-monitor-local-").FullName;

    private string Database => Path.Combine(_folder, "keel.db");

    public async ValueTask InitializeAsync()
    {
        await using var database = Open();
        var registry = new SqliteRegistryStore(database.Database, database.ArtifactRoot);
        await registry.CreateRegisteredModelAsync("credit", null, null, new Actor("seed"));
        for (var i = 0; i < 2; i++)
        {
            await registry.CreateModelVersionAsync(new CreateModelVersionCommand("credit", $"mlflow-artifacts:/m/{i}", null, null, null, null, null), new Actor("seed"));
        }
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    private SqliteTrackingStore Open() => new(Database, Path.Combine(_folder, "artifacts"), TimeProvider.System);

    private Task<CliResult> Keel(params string[] args) =>
        CliRun.RunAsync([.. args, "--tracking-uri", "sqlite:///" + Database], new Dictionary<string, string> { ["KEEL_USER"] = "local-user" });

    private static MonitorWindow Window(string version, int index, string? deployment, string? arm, double share, bool drift) => new()
    {
        Model = "credit",
        Version = version,
        Deployment = deployment,
        Arm = arm,
        StartMs = T0 + (index * Step),
        EndMs = T0 + ((index + 1) * Step),
        ComputedAtMs = T0 + ((index + 1) * Step),
        Requests = 1200 + index,
        Errors = 3,
        InputRows = 1200,
        ReferenceSource = "training",
        DriftedShare = share,
        DatasetDrift = drift,
        Features = [new FeatureDrift("income", "input", "ks", 0.3, 0.001, 0.05, drift)],
        Quality = new WindowQuality(!drift, 0, drift ? 0.2 : 0, 0, drift ? ["income: 20% out of range"] : []),
        Performance = new WindowPerformance("accuracy", true, 0.8125, 400, 0.79, 1200, 0.85),
    };

    private async Task SeedAsync()
    {
        await using var database = Open();
        var store = new SqliteMonitoringStore(database.Database);
        await store.PutWindowsAsync([Window("1", 0, null, null, 0.1, false), Window("1", 1, null, null, 0.0, false), Window("2", 1, "credit-prod", "candidate", 0.5, true)]);
        var alert = new Alert
        {
            Key = Alert.MakeKey("credit", "drift", "2", "credit-prod", "candidate"),
            Model = "credit",
            Rule = "drift",
            Kind = AlertRuleKinds.DriftedShare,
            Severity = "critical",
            Version = "2",
            Deployment = "credit-prod",
            Arm = "candidate",
            State = AlertStates.Firing,
            Breaches = 3,
            Value = 0.5,
            Message = "drifted share 0.5 over 0.3 for 3 windows",
            SinceMs = T0 + (2 * Step),
            FiredAtMs = T0 + (2 * Step),
            LastWindowEndMs = T0 + (2 * Step),
        };
        await store.TryPutAlertAsync(alert, 0, new AlertEvent(0, 0, "credit", "drift", null, AlertStates.Firing, T0 + (2 * Step), 0.5, "fired", """{"threshold":0.3}"""));
    }

    [Fact]
    public async Task Status_PrintsTheLatestWindowOfEverySeries_WithRequestsDriftMetricAndActiveAlerts()
    {
        await SeedAsync();

        var status = await Keel("monitor", "status", "credit");

        Assert.True(status.ExitCode == 0, status.ToString());
        CliRun.AssertOnlyStoreLine(status);
        Assert.Contains("Monitor: the defaults (no stored monitor, no alert rules); enabled, every 300 s, window 300 s, drift from 100 rows.", status.Out, StringComparison.Ordinal);
        // One row per series, its latest window only (version 1's window ending 00:05 is not shown).
        var rows = status.Lines.Where(l => l.Contains("accuracy", StringComparison.Ordinal)).Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries)).ToList();
        Assert.True(rows.Count == 2, status.Out);
        Assert.Equal(["1", "-", "-", "2026-01-01", "00:10:00", "1201", "3", "0%"], rows[0][..8]);
        Assert.Equal(["ok", "0"], rows[0][^2..]);
        Assert.Equal(["2", "credit-prod", "candidate", "2026-01-01", "00:10:00", "1201", "3", "50%", "(drift)"], rows[1][..9]);
        Assert.Equal(["failed", "(1)", "1"], rows[1][^3..]);
        Assert.Contains("accuracy 0.8125 (400 labelled); est. 0.79; val. 0.85", status.Out, StringComparison.Ordinal);
        Assert.Contains("1 active alert(s):", status.Out, StringComparison.Ordinal);
        Assert.Contains("drifted share 0.5 over 0.3 for 3 windows", status.Out, StringComparison.Ordinal);

        var json = (await Keel("monitor", "status", "credit", "--json")).Json();
        Assert.Equal(2, json.GetProperty("latest").GetArrayLength());
        Assert.Equal("firing", json.GetProperty("alerts")[0].GetProperty("state").GetString());
    }

    [Fact]
    public async Task ApplyAlertsAndHistory_OnALocalStore_MeetTheSameRules_AndRunSaysItNeedsAServer()
    {
        await SeedAsync();
        var spec = Path.Combine(_folder, "monitor.json");
        File.WriteAllText(spec, """{"model": "credit", "rules": [{"name": "drift", "kind": "drifted_share", "threshold": 0.3, "for": 3}]}""");
        var applied = await Keel("monitor", "apply", spec, "--json");
        Assert.True(applied.ExitCode == 0, applied.ToString());
        Assert.Equal("local-user", applied.Json().GetProperty("updated_by").GetString());
        File.WriteAllText(spec, """{"model": "nobody"}""");
        CliRun.AssertOneLineError(await Keel("monitor", "apply", spec), ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");

        var alerts = await Keel("monitor", "alerts", "credit", "--state", "firing");
        Assert.True(alerts.ExitCode == 0, alerts.ToString());
        Assert.Contains(alerts.Lines, l => l.Contains("firing") && l.Contains("critical") && l.Contains("v2 credit-prod/candidate") && l.Contains("2026-01-01 00:10:00"));
        Assert.Equal("No alerts.", (await Keel("monitor", "alerts", "credit", "--state", "resolved")).Out.Trim());
        var history = await Keel("monitor", "alerts", "credit", "--history");
        Assert.Contains(history.Lines, l => l.Contains("new → firing") && l.Contains("""{"threshold":0.3}"""));
        var historyJson = (await Keel("monitor", "alerts", "credit", "--history", "--json")).Json();
        Assert.Equal(0.3, historyJson[0].GetProperty("evidence").GetProperty("threshold").GetDouble());
        CliRun.AssertOneLineError(await Keel("monitor", "alerts", "credit", "--from", "5"), ExitCodes.Failure, "--from applies to --history only");

        CliRun.AssertOneLineError(await Keel("monitor", "run", "credit"), ExitCodes.Failure, "needs the monitor runner, which runs inside 'keel server'");
        CliRun.AssertOneLineError(await Keel("monitor", "run", "nobody"), ExitCodes.Failure, "RESOURCE_DOES_NOT_EXIST");
        CliRun.AssertOneLineError(await Keel("monitor", "retraining"), ExitCodes.Failure, "Retraining jobs run inside 'keel server'");
    }
}
