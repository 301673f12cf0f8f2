using Keel.Core.Monitoring;
using Keel.Server.Monitoring;
using Keel.Server.Monitoring.Alerts;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Keel.Server.Tests.Monitoring.Alerts;

/// <summary>
/// The server's alert services as <c>AddKeelAlerts</c> registers them (evaluator, webhook notifier
/// and its background delivery) over a real SQLite monitoring store, started like the server starts them.
/// </summary>
internal sealed class AlertWebhookRig : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-webhooks-").FullName;
    private readonly SqliteTrackingStore _database;
    private readonly ServiceProvider _services;
    private readonly IHostedService[] _hosted;

    private AlertWebhookRig(Dictionary<string, string?> settings, bool start)
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var services = new ServiceCollection()
            .AddLogging()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<IMonitoringStore>(new SqliteMonitoringStore(_database.Database));
        services.AddKeelAlerts(configuration);
        _services = services.BuildServiceProvider();
        _hosted = start ? [.. _services.GetServices<IHostedService>()] : [];
    }

    public IMonitoringStore Store => _services.GetRequiredService<IMonitoringStore>();

    public IAlertEvaluator Evaluator => _services.GetRequiredService<IAlertEvaluator>();

    public WebhookNotifier Notifier => _services.GetRequiredService<WebhookNotifier>();

    /// <summary>Starts the rig; <paramref name="start"/> false leaves the delivery workers stopped (nothing leaves the queue).</summary>
    public static async Task<AlertWebhookRig> StartAsync(Dictionary<string, string?>? settings = null, bool start = true)
    {
        var rig = new AlertWebhookRig(new Dictionary<string, string?>
        {
            // Retries in milliseconds, so a test that retries is quick; the delays' maths is WebhookRetryTests'.
            [$"{AlertWebhookOptions.Section}:BaseDelay"] = "00:00:00.020",
            [$"{AlertWebhookOptions.Section}:MaxDelay"] = "00:00:00.100",
            [$"{AlertWebhookOptions.Section}:Timeout"] = "00:00:05",
        }.Concat(settings ?? []).GroupBy(p => p.Key).ToDictionary(g => g.Key, g => g.Last().Value), start);
        foreach (var hosted in rig._hosted)
        {
            await hosted.StartAsync(TestContext.Current.CancellationToken);
        }

        return rig;
    }

    /// <summary>A monitor whose drift rule fires at the first breaching window, with <paramref name="notifiers"/>.</summary>
    public static MonitorSpec Spec(params NotifierSpec[] notifiers) => MonitorSpecValidator.Normalize(new MonitorSpec
    {
        Model = "credit",
        Rules = [new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, Severity = "critical" }],
        Notifiers = notifiers,
    });

    /// <summary>Stores the window and evaluates the rules on it.</summary>
    public async Task<IReadOnlyList<AlertEvent>> PassAsync(MonitorSpec spec, int index, double driftedShare, string? deployment = "credit-canary", string? arm = "candidate")
    {
        var windows = await Store.PutWindowsAsync(
        [
            new MonitorWindow
            {
                Model = "credit",
                Version = "2",
                Deployment = deployment,
                Arm = arm,
                StartMs = 1_700_000_000_000 + (index * 300_000L),
                EndMs = 1_700_000_000_000 + ((index + 1) * 300_000L),
                Requests = 500,
                InputRows = 500,
                DriftedShare = driftedShare,
                DatasetDrift = driftedShare > 0.5,
                Features = [new FeatureDrift("income", "input", "ks", 0.41, 1e-6, 0.05, true)],
            },
        ], TestContext.Current.CancellationToken);
        return await Evaluator.EvaluateAsync(spec, windows, TestContext.Current.CancellationToken);
    }

    /// <summary>Waits until <paramref name="condition"/> holds, or fails after 30 s.</summary>
    public static async Task EventuallyAsync(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Not within 30 s: {what}.");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _hosted)
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await _services.DisposeAsync();
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
