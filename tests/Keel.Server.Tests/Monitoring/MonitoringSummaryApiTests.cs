using System.Net;
using System.Text.Json;
using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Monitoring;

/// <summary><c>GET monitoring/summary</c> and <c>GET monitoring/report</c> over the server's SQLite monitoring store.</summary>
public sealed class MonitoringSummaryApiTests : IAsyncLifetime
{
    private const string Hostile = "<img src=x onerror=alert(1)>";
    private readonly KeelApiFactory _factory = new();
    private HttpClient _client = null!;

    public async ValueTask InitializeAsync()
    {
        _client = _factory.CreateClient();
        var registry = _factory.Services.GetRequiredService<IRegistryStore>();
        await registry.CreateRegisteredModelAsync("credit", null, null, new Actor("test"), TestContext.Current.CancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _factory.DisposeAsync();
    }

    [Fact]
    public async Task Summary_OfStoredWindowsAndAlerts_HasTotalsDriftTrendsAndActiveAlerts_InSnakeCase()
    {
        await StoreAsync();
        using var response = await _client.GetAsync("/api/2.0/keel/monitoring/summary?model=credit&days=7", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        var s = JsonDocument.Parse(body).RootElement;

        Assert.Equal("ok", s.GetProperty("status").GetString());
        Assert.Equal(7, s.GetProperty("days").GetInt32());
        Assert.Equal(3, s.GetProperty("total_windows").GetInt32());
        Assert.Equal(600, s.GetProperty("total_predictions").GetInt64());
        Assert.Equal(3, s.GetProperty("windows").GetArrayLength());
        Assert.Equal(0.5, s.GetProperty("drift").GetProperty("mean_drifted_share").GetDouble(), 12);
        var feature = s.GetProperty("drift").GetProperty("features")[0];
        Assert.Equal((Hostile, 2), (feature.GetProperty("feature").GetString(), feature.GetProperty("drifted_windows").GetInt32()));
        var performance = s.GetProperty("performance");
        Assert.Equal("accuracy", performance.GetProperty("metric").GetString());
        Assert.Equal(0.85, performance.GetProperty("realised").GetProperty("mean").GetDouble(), 12);
        Assert.Equal(150, performance.GetProperty("realised").GetProperty("rows").GetInt64());
        Assert.Equal(0.7, performance.GetProperty("estimated").GetProperty("last").GetDouble(), 12);
        var alerts = s.GetProperty("alerts");
        Assert.Equal("firing", alerts.GetProperty("active")[0].GetProperty("state").GetString());
        Assert.Equal(1, alerts.GetProperty("fired_in_period").GetInt32());
    }

    [Fact]
    public async Task Summary_RegisteredModelWithoutWindows_IsNoMonitoringData()
    {
        using var response = await _client.GetAsync("/api/2.0/keel/monitoring/summary?model=credit", TestContext.Current.CancellationToken);
        var s = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no_monitoring_data", s.GetProperty("status").GetString());
        Assert.Equal(7, s.GetProperty("days").GetInt32());
    }

    [Fact]
    public async Task Summary_UnknownModel_IsResourceDoesNotExist()
    {
        using var response = await _client.GetAsync("/api/2.0/keel/monitoring/summary?model=nope", TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("RESOURCE_DOES_NOT_EXIST", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Report_IsASelfContainedPage_WithItsOwnPolicy_AndStoredStringsEscaped()
    {
        await StoreAsync();
        using var response = await _client.GetAsync("/api/2.0/keel/monitoring/report?model=credit&days=2", TestContext.Current.CancellationToken);
        var html = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, html);
        Assert.Equal("text/html", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(Keel.Server.Monitoring.MonitoringSummaryApi.ReportContentSecurityPolicy, response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Contains("Keel monitoring report: credit", html, StringComparison.Ordinal);
        Assert.Contains("Drift by feature over time", html, StringComparison.Ordinal);
        Assert.Contains("Metric over time", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<img", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.Ordinal);
        Assert.Contains("&lt;img src=x onerror=alert(1)&gt;", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Client_ReadsTheSummaryAndTheReport_AndMapsErrors()
    {
        await StoreAsync();
        using var client = new Keel.Client.KeelClient(_factory.CreateClient(), new Keel.Client.KeelClientOptions { MaxRetryAttempts = 0 });
        var ct = TestContext.Current.CancellationToken;
        var summary = await client.GetMonitoringSummaryAsync("credit", 3, ct);
        Assert.Equal((3, 3, "ok"), (summary.Days, summary.TotalWindows, summary.Status));
        Assert.Equal(0.85, summary.Performance!.Realised!.Mean, 12);
        Assert.Equal(Hostile, summary.Drift.Features[0].Feature);
        Assert.Equal("firing", Assert.Single(summary.Alerts.Active).State);
        var html = await client.GetMonitoringReportHtmlAsync("credit", 3, ct);
        Assert.StartsWith("<!DOCTYPE html>", html, StringComparison.Ordinal);
        var e = await Assert.ThrowsAsync<Keel.Core.Errors.KeelException>(() => client.GetMonitoringSummaryAsync("credit", 0, ct));
        Assert.Equal(Keel.Core.Errors.ErrorCode.InvalidParameterValue, e.Code);
    }

    /// <summary>Three windows in the last hour (drifted shares 0, 0.5, 1; accuracy 0.9 and 0.8 realised, 0.88, 0.82, 0.7 estimated) and a firing alert.</summary>
    private async Task StoreAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var store = _factory.Services.GetRequiredService<IMonitoringStore>();
        long start = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 3_600_000;
        MonitorWindow W(int i, long requests, double share, bool a, bool b, double? value, long labelled, double estimated, long rows) => new()
        {
            Model = "credit",
            Version = "1",
            StartMs = start + i * 60_000,
            EndMs = start + (i + 1) * 60_000,
            ComputedAtMs = start + (i + 1) * 60_000,
            Requests = requests,
            InputRows = requests,
            ReferenceSource = "training",
            DriftedShare = share,
            DatasetDrift = share >= 0.5,
            Features =
            [
                new FeatureDrift(Hostile, "input", "ks", a ? 0.4 : 0.1, a ? 0.001 : 0.5, 0.05, a),
                new FeatureDrift("Income", "input", "ks", b ? 0.3 : 0.05, b ? 0.002 : 0.6, 0.05, b),
            ],
            Performance = new WindowPerformance("accuracy", true, value, labelled, estimated, rows, 0.9),
        };
        await store.PutWindowsAsync([W(0, 100, 0, false, false, 0.9, 50, 0.88, 100), W(1, 200, 0.5, true, false, 0.8, 100, 0.82, 200), W(2, 300, 1, true, true, null, 0, 0.7, 300)], ct);
        var alert = new Alert
        {
            Key = Alert.MakeKey("credit", "drift", "1", null, null),
            Model = "credit",
            Rule = "drift",
            Kind = AlertRuleKinds.DriftedShare,
            Severity = "critical",
            Version = "1",
            State = AlertStates.Firing,
            Value = 1,
            Message = "</td><script>alert(2)</script>",
            SinceMs = start + 180_000,
            FiredAtMs = start + 180_000,
            LastWindowEndMs = start + 180_000,
        };
        var stored = await store.TryPutAlertAsync(alert, 0, new AlertEvent(0, 0, "credit", "drift", null, AlertStates.Firing, start + 180_000, 1, alert.Message, "{}"), ct);
        Assert.NotNull(stored);
    }
}
