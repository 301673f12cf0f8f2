using System.Text.Json;
using Keel.Client;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Server.Tests.Infrastructure;
using Keel.Server.Tests.Monitoring;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Client;

/// <summary>
/// <see cref="KeelClient"/> as <see cref="IMonitoringOperations"/>: every call answers what the
/// server's own <see cref="MonitoringService"/> answers over the same store, field for field.
/// </summary>
public sealed class KeelClientMonitoringTests : IAsyncLifetime
{
    private const long T0 = 1_700_000_000_000;
    private readonly KeelApiFactory _factory = new();
    private WebApplicationFactory<Program> _server = null!;
    private KeelClient _client = null!;

    public ValueTask InitializeAsync()
    {
        _server = _factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IMonitorRunner>(sp => new StoringMonitorRunner(sp))));
        _client = new KeelClient(_server.CreateClient(), new KeelClientOptions { MaxRetryAttempts = 0, User = "client-user" });
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _client.Dispose();
        await _server.DisposeAsync();
        await _factory.DisposeAsync();
    }

    private MonitoringService Local => _server.Services.GetRequiredService<MonitoringService>();

    private static void AssertSame<T>(T expected, T actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, KeelJson.Options), JsonSerializer.Serialize(actual, KeelJson.Options));

    [Fact]
    public async Task EveryCall_ThroughTheClient_AnswersWhatTheServiceAnswers()
    {
        IMonitoringOperations remote = _client;
        await _client.CreateRegisteredModelAsync("credit", null, null, new Actor("seed"), TestContext.Current.CancellationToken);
        var spec = new MonitorSpec { Model = "credit", Rules = [new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, For = 2 }], Notifiers = [new NotifierSpec { Kind = "log" }] };

        var applied = await remote.ApplyAsync(spec, new Actor("alice"));
        Assert.Equal("alice", applied.UpdatedBy);
        AssertSame(await Local.GetAsync("credit"), applied);
        AssertSame(await Local.GetAsync("credit"), await remote.GetAsync("credit"));
        AssertSame(await Local.ListAsync(10, null), await remote.ListAsync(10, null));

        var store = Local.Store;
        await store.PutWindowsAsync([.. Enumerable.Range(0, 3).Select(i => new MonitorWindow
        {
            Model = "credit", Version = "1", StartMs = T0 + (i * 60_000), EndMs = T0 + ((i + 1) * 60_000), ComputedAtMs = T0 + ((i + 1) * 60_000), Requests = 10 + i, DriftedShare = 0.5, DatasetDrift = true,
            Features = [new FeatureDrift("income", "input", "ks", 0.4, 0.01, 0.05, true)],
            Quality = new WindowQuality(true, 0, 0, 0, []),
            Performance = new WindowPerformance("auc", true, null, 0, 0.8, 10, 0.9),
        })]);
        var alert = new Alert { Key = Alert.MakeKey("credit", "drift", "1", null, null), Model = "credit", Rule = "drift", Kind = AlertRuleKinds.DriftedShare, Severity = "warning", Version = "1", State = AlertStates.Firing, SinceMs = T0 };
        await store.TryPutAlertAsync(alert, 0, new AlertEvent(0, 0, "credit", "drift", null, AlertStates.Firing, T0, 0.5, "fired", """{"nested":{"a":[1,2]}}"""));

        var query = new MonitorWindowQuery("credit", MaxResults: 2);
        var page = await remote.ListWindowsAsync(query);
        AssertSame(await Local.ListWindowsAsync(query), page);
        AssertSame(await Local.ListWindowsAsync(query with { PageToken = page.NextPageToken }), await remote.ListWindowsAsync(query with { PageToken = page.NextPageToken }));
        AssertSame(await Local.StatusAsync("credit"), await remote.StatusAsync("credit"));
        AssertSame(await Local.ListAlertsAsync("credit", AlertStates.Firing, 10, null), await remote.ListAlertsAsync("credit", AlertStates.Firing, 10, null));
        var history = await remote.HistoryAsync(null, T0, 10, null);
        AssertSame(await Local.HistoryAsync(null, T0, 10, null), history);
        Assert.Equal("""{"nested":{"a":[1,2]}}""", Assert.Single(history.Items).EvidenceJson);

        var run = await remote.RunAsync("credit", T0 + 600_000);
        Assert.Equal(42, Assert.Single(run.Windows).Requests);
        AssertSame(new AlertEvent(7, 3, "credit", "quiet", null, AlertStates.Pending, T0 + 600_000, 42, "few requests", """{"window_ids":[1]}"""), Assert.Single(run.AlertChanges));

        await remote.DeleteAsync("credit");
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => remote.GetAsync("credit"))).Code);
        Assert.Equal(ErrorCode.ResourceDoesNotExist, (await Assert.ThrowsAsync<KeelException>(() => remote.StatusAsync("nobody"))).Code);
        Assert.Equal(ErrorCode.InvalidParameterValue, (await Assert.ThrowsAsync<KeelException>(() => remote.ApplyAsync(new MonitorSpec { Model = "credit", IntervalSeconds = -1 }, new Actor("alice")))).Code);
    }
}
