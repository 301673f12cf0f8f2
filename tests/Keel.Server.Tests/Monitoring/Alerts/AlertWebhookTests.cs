using System.Text.Json;
using Keel.Core.Monitoring;
using Keel.Monitoring.Alerts;
using Keel.Server.Monitoring.Alerts;

namespace Keel.Server.Tests.Monitoring.Alerts;

public sealed class AlertWebhookTests
{
    private static string Secret(string value)
    {
        var name = "KEEL_TEST_HOOK_" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, value);
        return name;
    }

    [Fact]
    public async Task FiringAlert_ReachesARealReceiver_SignedWithATimestamp_AsDocumentedJson()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var rig = await AlertWebhookRig.StartAsync(new() { [$"{AlertWebhookOptions.Section}:PublicUrl"] = "https://keel.example.com/" });
        var spec = AlertWebhookRig.Spec(new NotifierSpec { Kind = "webhook", Url = receiver.Url, SecretEnv = Secret("whsec_credit") });

        var changes = await rig.PassAsync(spec, 0, 0.6);

        var request = Assert.Single(await receiver.WaitForAsync(1));
        Assert.True(WebhookSignature.Verify("whsec_credit", request.Header("X-Keel-Signature"), request.Header("X-Keel-Timestamp"), request.Body, DateTimeOffset.UtcNow));
        Assert.False(WebhookSignature.Verify("another secret", request.Header("X-Keel-Signature"), request.Header("X-Keel-Timestamp"), request.Body, DateTimeOffset.UtcNow));
        Assert.Equal("alert.firing", request.Header("X-Keel-Event"));
        Assert.Equal("1", request.Header("X-Keel-Attempt"));
        Assert.StartsWith("application/json", request.Header("Content-Type"), StringComparison.Ordinal);

        using var payload = JsonDocument.Parse(request.Body);
        var root = payload.RootElement;
        Assert.Equal(1, root.GetProperty("schema_version").GetInt32());
        Assert.Equal("alert.firing", root.GetProperty("type").GetString());
        Assert.Equal(request.Header("X-Keel-Delivery"), root.GetProperty("delivery_id").GetString());
        var alert = root.GetProperty("alert");
        Assert.Equal(("credit", "drift", "drifted_share", "critical", "firing"), (alert.GetProperty("model").GetString(), alert.GetProperty("rule").GetString(), alert.GetProperty("kind").GetString(), alert.GetProperty("severity").GetString(), alert.GetProperty("state").GetString()));
        Assert.Equal(("2", "credit-canary", "candidate"), (alert.GetProperty("version").GetString(), alert.GetProperty("deployment").GetString(), alert.GetProperty("arm").GetString()));
        var change = root.GetProperty("event");
        Assert.Equal(Assert.Single(changes).AlertId, change.GetProperty("alert_id").GetInt64());
        Assert.Equal("firing", change.GetProperty("to").GetString());
        Assert.Equal(0.6, change.GetProperty("evidence").GetProperty("value").GetDouble());
        Assert.Equal(0.3, change.GetProperty("evidence").GetProperty("threshold").GetDouble());
        Assert.Equal("income", root.GetProperty("window").GetProperty("features")[0].GetProperty("feature").GetString());
        Assert.Equal(500, root.GetProperty("window").GetProperty("requests").GetInt64());
        var links = root.GetProperty("links");
        Assert.Equal("https://keel.example.com/api/2.0/keel/monitoring/alerts/history?model=credit", links.GetProperty("history").GetString());
        Assert.Equal("https://keel.example.com/api/2.0/keel/monitoring/windows/list?model=credit&version=2&deployment=credit-canary&arm=candidate&to_ms=1700000300000", links.GetProperty("windows").GetString());
        await AlertWebhookRig.EventuallyAsync(() => rig.Notifier.Delivered == 1, "the delivery counted");
    }

    [Fact]
    public async Task Resolving_SendsAResolvedDelivery_AndBreachingWhileFiringSendsNothingMore()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var rig = await AlertWebhookRig.StartAsync();
        var spec = AlertWebhookRig.Spec(new NotifierSpec { Kind = "webhook", Url = receiver.Url });

        await rig.PassAsync(spec, 0, 0.6);
        await rig.PassAsync(spec, 1, 0.7);
        await rig.PassAsync(spec, 2, 0.1);

        var requests = await receiver.WaitForAsync(2);
        await AlertWebhookRig.EventuallyAsync(() => rig.Notifier.Delivered == 2, "both deliveries counted");
        Assert.Equal(["alert.firing", "alert.resolved"], requests.Select(r => r.Header("X-Keel-Event")).Order(StringComparer.Ordinal));
        Assert.All(requests, r => Assert.Null(r.Header("X-Keel-Signature")));
        Assert.Equal(2, receiver.Requests.Count);
    }

    [Fact]
    public async Task AReceiverFailingTheFirstAttempts_GetsRetries_WithTheSameBodyAndId_AndFinallyTheDelivery()
    {
        await using var receiver = await WebhookReceiver.StartAsync(n => n switch { 1 => (503, null), 2 => (429, "0"), _ => (200, null) });
        await using var rig = await AlertWebhookRig.StartAsync();
        var spec = AlertWebhookRig.Spec(new NotifierSpec { Kind = "webhook", Url = receiver.Url, SecretEnv = Secret("s3cret"), MaxAttempts = 5 });

        await rig.PassAsync(spec, 0, 0.9);

        var requests = await receiver.WaitForAsync(3);
        await AlertWebhookRig.EventuallyAsync(() => rig.Notifier.Delivered == 1, "the delivery counted");
        Assert.Equal(3, requests.Length);
        Assert.Equal(["1", "2", "3"], requests.Select(r => r.Header("X-Keel-Attempt")));
        Assert.Single(requests.Select(r => r.Header("X-Keel-Delivery")).Distinct());
        Assert.All(requests, r => Assert.Equal(requests[0].Body, r.Body));
        Assert.All(requests, r => Assert.True(WebhookSignature.Verify("s3cret", r.Header("X-Keel-Signature"), r.Header("X-Keel-Timestamp"), r.Body, DateTimeOffset.UtcNow)));
        Assert.Equal(0, rig.Notifier.Failed);
    }

    [Fact]
    public async Task AReceiverThatKeepsFailing_GetsMaxAttempts_ThenTheDeliveryIsGivenUp()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => (500, null));
        await using var rig = await AlertWebhookRig.StartAsync();
        var spec = AlertWebhookRig.Spec(new NotifierSpec { Kind = "webhook", Url = receiver.Url, MaxAttempts = 3 });

        await rig.PassAsync(spec, 0, 0.9);

        await AlertWebhookRig.EventuallyAsync(() => rig.Notifier.Failed == 1, "the delivery given up");
        Assert.Equal(3, receiver.Requests.Count);
        Assert.Equal(0, rig.Notifier.Delivered);
    }

    [Fact]
    public async Task AClientErrorAnswer_IsNotRetried()
    {
        await using var receiver = await WebhookReceiver.StartAsync(_ => (400, null));
        await using var rig = await AlertWebhookRig.StartAsync();
        var spec = AlertWebhookRig.Spec(new NotifierSpec { Kind = "webhook", Url = receiver.Url, MaxAttempts = 5 });

        await rig.PassAsync(spec, 0, 0.9);

        await AlertWebhookRig.EventuallyAsync(() => rig.Notifier.Failed == 1, "the delivery refused");
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task NetworkErrors_AreRetried_ThenGivenUp()
    {
        await using var rig = await AlertWebhookRig.StartAsync();
        var closed = System.Net.Sockets.TcpListener.Create(0);
        closed.Start();
        var port = ((System.Net.IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        var spec = AlertWebhookRig.Spec(new NotifierSpec { Kind = "webhook", Url = $"http://127.0.0.1:{port}/hook", MaxAttempts = 2 });

        await rig.PassAsync(spec, 0, 0.9);

        await AlertWebhookRig.EventuallyAsync(() => rig.Notifier.Failed == 1, "the delivery given up");
        Assert.Equal(0, rig.Notifier.Delivered);
    }

    [Fact]
    public async Task ASecretVariableThatIsNotSet_SendsNothing_RatherThanAnUnsignedRequest()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var rig = await AlertWebhookRig.StartAsync();
        var spec = AlertWebhookRig.Spec(new NotifierSpec { Kind = "webhook", Url = receiver.Url, SecretEnv = "KEEL_TEST_HOOK_NEVER_SET_" + Guid.NewGuid().ToString("N") });

        await rig.PassAsync(spec, 0, 0.9);

        await AlertWebhookRig.EventuallyAsync(() => rig.Notifier.Failed == 1, "the delivery refused");
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task SlackFormat_PostsTextAndBlocks()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var rig = await AlertWebhookRig.StartAsync();
        var spec = AlertWebhookRig.Spec(new NotifierSpec { Kind = "webhook", Url = receiver.Url, Format = "slack" });

        await rig.PassAsync(spec, 0, 0.6);

        using var payload = JsonDocument.Parse(Assert.Single(await receiver.WaitForAsync(1)).Body);
        var root = payload.RootElement;
        Assert.Equal(["blocks", "text"], root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal));
        Assert.StartsWith(":rotating_light: [FIRING] credit: drift (drifted_share, critical) on version 2, deployment credit-canary, arm candidate: drifted share 0.6", root.GetProperty("text").GetString(), StringComparison.Ordinal);
        var blocks = root.GetProperty("blocks").EnumerateArray().ToArray();
        Assert.Equal(["header", "section", "context"], blocks.Select(b => b.GetProperty("type").GetString()));
        Assert.Equal("[FIRING] credit: drift", blocks[0].GetProperty("text").GetProperty("text").GetString());
        Assert.Contains("*Rule:* drift (drifted_share, critical)", blocks[1].GetProperty("text").GetProperty("text").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AFullQueue_DropsAndCounts_WithoutBlockingTheEvaluator()
    {
        await using var rig = await AlertWebhookRig.StartAsync(new() { [$"{AlertWebhookOptions.Section}:QueueCapacity"] = "1" }, start: false);
        var spec = AlertWebhookRig.Spec(new NotifierSpec { Kind = "webhook", Url = "http://127.0.0.1:9/never" });

        // Workers stopped: the first delivery waits in the queue, the next ones find it full.
        await rig.PassAsync(spec, 0, 0.9);
        await rig.PassAsync(spec, 1, 0.1);
        await rig.PassAsync(spec, 2, 0.9);

        Assert.Equal(1, rig.Notifier.Queued);
        Assert.Equal(2, rig.Notifier.Dropped);
        Assert.Equal(3, (await rig.Store.ListAlertEventsAsync("credit", null, 10, null, TestContext.Current.CancellationToken)).Items.Count);
    }
}
