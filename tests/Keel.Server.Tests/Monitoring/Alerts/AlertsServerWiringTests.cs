using Keel.Core.Monitoring;
using Keel.Monitoring.Alerts;
using Keel.Server.Monitoring.Alerts;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Monitoring.Alerts;

/// <summary>The server as it starts: its IAlertEvaluator is the alert evaluator over its monitoring store, and its webhook delivery runs.</summary>
public sealed class AlertsServerWiringTests : IAsyncDisposable
{
    private readonly KeelApiFactory _factory = new();

    public ValueTask DisposeAsync() => _factory.DisposeAsync();

    [Fact]
    public async Task TheServersEvaluator_StoresTheAlert_AndItsWebhookDeliveryReachesAReceiver()
    {
        _factory.CreateClient().Dispose();
        await using var receiver = await WebhookReceiver.StartAsync();
        var evaluator = Assert.IsType<AlertEvaluator>(_factory.Services.GetService<IAlertEvaluator>());
        var store = _factory.Services.GetRequiredService<IMonitoringStore>();
        var spec = AlertWebhookRig.Spec(new NotifierSpec { Kind = "webhook", Url = receiver.Url });
        var windows = await store.PutWindowsAsync(
            [new MonitorWindow { Model = "credit", Version = "1", StartMs = 0, EndMs = 300_000, Requests = 10, DriftedShare = 0.5 }],
            TestContext.Current.CancellationToken);

        var change = Assert.Single(await evaluator.EvaluateAsync(spec, windows, TestContext.Current.CancellationToken));

        Assert.Equal(AlertStates.Firing, change.To);
        Assert.Equal(AlertStates.Firing, (await store.GetAlertAsync(Alert.MakeKey("credit", "drift", "1", null, null), TestContext.Current.CancellationToken))!.State);
        var request = Assert.Single(await receiver.WaitForAsync(1));
        Assert.Equal("alert.firing", request.Header(WebhookSignature.EventHeader));
        var notifier = _factory.Services.GetRequiredService<WebhookNotifier>();
        await AlertWebhookRig.EventuallyAsync(() => notifier.Delivered == 1, "the delivery counted");
    }
}
