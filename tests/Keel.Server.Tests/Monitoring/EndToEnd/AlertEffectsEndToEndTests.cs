using System.Text.Json;
using Keel.Monitoring.Alerts;
using Keel.Server.Tests.Infrastructure;
using Keel.Server.Tests.Monitoring.Alerts;

namespace Keel.Server.Tests.Monitoring.EndToEnd;

/// <summary>
/// What a firing alert does, end to end from the pass: the drift of the credit stream injected in
/// window 1 fires a <c>drifted_share</c> rule (for: 1) whose webhook reaches a real receiver, or whose
/// <c>rollback_production</c> action moves the production alias back through the audited registry.
/// </summary>
[Collection(CreditStreamCollection.Name)]
public sealed class AlertEffectsEndToEndTests(CreditStream credit)
{
    private const int WindowRows = 300;

    [Fact]
    public async Task DriftFiringInAPass_DeliversASignedWebhook_ToARealReceiver()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var secretEnv = "KEEL_TEST_E2E_HOOK_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(secretEnv, "whsec_e2e");
        await using var server = await MonitoredServer.StartAsync(credit);
        await server.ApplyAsync(Monitor(notifiers: [new { kind = "webhook", url = receiver.Url, secret_env = secretEnv }]));
        await LogCleanThenDriftedAsync(server, "1");

        var (_, quiet) = await server.RunAsync(0);
        Assert.Empty(quiet.EnumerateArray());
        var (_, changes) = await server.RunAsync(1);

        var change = Assert.Single(changes.EnumerateArray());
        Assert.Equal("firing", change.GetProperty("to").GetString());
        var request = Assert.Single(await receiver.WaitForAsync(1));
        Assert.True(WebhookSignature.Verify("whsec_e2e", request.Header("X-Keel-Signature"), request.Header("X-Keel-Timestamp"), request.Body, DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify("another secret", request.Header("X-Keel-Signature"), request.Header("X-Keel-Timestamp"), request.Body, DateTimeOffset.UtcNow));
        Assert.Equal("alert.firing", request.Header("X-Keel-Event"));
        using var payload = JsonDocument.Parse(request.Body);
        var alert = payload.RootElement.GetProperty("alert");
        Assert.Equal((MonitoredServer.Model, "inputs-drifted", "firing", "1"), (alert.GetProperty("model").GetString(), alert.GetProperty("rule").GetString(), alert.GetProperty("state").GetString(), alert.GetProperty("version").GetString()));
        var sent = payload.RootElement.GetProperty("event");
        Assert.Equal(change.GetProperty("alert_id").GetInt64(), sent.GetProperty("alert_id").GetInt64());
        Assert.Equal(2.0 / 13, sent.GetProperty("evidence").GetProperty("value").GetDouble(), 6);
        var window = payload.RootElement.GetProperty("window");
        Assert.Equal((server.EndOf(1), (long)WindowRows), (window.GetProperty("end_ms").GetInt64(), window.GetProperty("requests").GetInt64()));
        Assert.Equal(["Amount", "Income"], DriftAlertEndToEndTests.DriftedInputs(window));
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task DriftFiringInAPass_OnTheProductionVersion_MovesTheProductionAliasBack_Audited()
    {
        await using var server = await MonitoredServer.StartAsync(credit, versions: 2);
        foreach (var version in new[] { "1", "2" })
        {
            var set = await server.Client.ApiPostAsync("registered-models/alias", new { name = MonitoredServer.Model, alias = "production", version });
            Assert.True(set.Status == 200, set.Body);
        }

        await server.ApplyAsync(Monitor(actions: [new { kind = "rollback_production" }]));
        await LogCleanThenDriftedAsync(server, "2");

        await server.RunAsync(0);
        Assert.Equal("2", await ProductionAsync(server));
        var (_, changes) = await server.RunAsync(1);

        Assert.Equal("firing", Assert.Single(changes.EnumerateArray()).GetProperty("to").GetString());
        Assert.Equal("1", await ProductionAsync(server));
        var fired = Assert.Single(await server.HistoryAsync());
        var action = Assert.Single(fired.GetProperty("evidence").GetProperty("actions").EnumerateArray());
        Assert.Equal(("rollback_production", true), (action.GetProperty("kind").GetString(), action.GetProperty("succeeded").GetBoolean()));

        // Audited: the registry's trail holds the rollback, by keel-monitor, naming the alert's rule.
        var events = await server.Client.ApiGetAsync($"/api/2.0/keel/registry/events?name={MonitoredServer.Model}");
        Assert.True(events.Status == 200, events.Body);
        var rollback = Assert.Single(events["events"].EnumerateArray(), e => e.TryGetProperty("rollback", out var r) && r.GetBoolean());
        Assert.Equal(("production", "2", "1", "keel-monitor"), (rollback.GetProperty("target").GetString(), rollback.GetProperty("from").GetString(), rollback.GetProperty("to").GetString(), rollback.GetProperty("user").GetString()));
        Assert.Contains("'inputs-drifted'", rollback.GetProperty("comment").GetString(), StringComparison.Ordinal);
    }

    private static object Monitor(object[]? notifiers = null, object[]? actions = null) => new
    {
        model = MonitoredServer.Model,
        interval_seconds = 60,
        window_seconds = 60,
        rules = new object[] { new { name = "inputs-drifted", kind = "drifted_share", threshold = 0.1, severity = "critical", actions = actions ?? [] } },
        notifiers = notifiers ?? [],
    };

    /// <summary>Window 0: the stream as it is; window 1: Income and Amount three times as high.</summary>
    private async Task LogCleanThenDriftedAsync(MonitoredServer server, string version)
    {
        var clean = Enumerable.Range(0, WindowRows).ToArray();
        await server.LogWindowAsync(credit, 0, [.. clean.Select(i => credit.Rows[i])], [.. clean.Select(i => credit.Predictions[i])], version);
        var drifted = Enumerable.Range(WindowRows, WindowRows).Select(i => credit.Scaled(i, 3, "Income", "Amount")).ToArray();
        await server.LogWindowAsync(credit, 1, drifted, credit.Score(drifted), version);
    }

    private static async Task<string?> ProductionAsync(MonitoredServer server)
    {
        var alias = await server.Client.ApiGetAsync($"registered-models/alias?name={MonitoredServer.Model}&alias=production");
        Assert.True(alias.Status == 200, alias.Body);
        return alias["model_version"].GetProperty("version").GetString();
    }
}
