using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Monitoring;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Storage.Tests.Monitoring;

/// <summary>Every behaviour an <see cref="IMonitoringStore"/> must have, whatever the backend.</summary>
public abstract partial class MonitoringStoreComplianceTests : IAsyncLifetime
{
    protected FakeTimeProvider Clock { get; } = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000));

    protected IMonitoringStore Store { get; private set; } = null!;

    /// <summary>A new, empty backend using <see cref="Clock"/>.</summary>
    protected abstract Task<IMonitoringStore> CreateStoreAsync();

    public async ValueTask InitializeAsync() => Store = await CreateStoreAsync();

    public abstract ValueTask DisposeAsync();

    protected long Now => Clock.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Records hold lists, which compare by reference; compare what is stored instead.</summary>
    protected static void AssertSame<T>(T expected, T actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected, KeelJson.Options), JsonSerializer.Serialize(actual, KeelJson.Options));

    protected static async Task<KeelException> Fails(ErrorCode code, Func<Task> action)
    {
        var e = await Assert.ThrowsAsync<KeelException>(action);
        Assert.Equal(code, e.Code);
        return e;
    }

    private static MonitorSpec FullSpec(string model) => new()
    {
        Model = model,
        Enabled = false,
        IntervalSeconds = 60,
        EveryPredictions = 5000,
        WindowSeconds = 600,
        MinRows = 250,
        Rules =
        [
            new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, ClearThreshold = 0.2, For = 3, ClearFor = 2, Severity = "critical", Deployment = "credit-prod", Actions = [new AlertAction { Kind = "rollback_deployment" }, new AlertAction { Kind = "rollback_production" }] },
            new AlertRule { Name = "quiet", Kind = AlertRuleKinds.NoTraffic },
            new AlertRule { Name = "retrain", Kind = AlertRuleKinds.MetricDrop, Threshold = 0.05, Actions = [new AlertAction { Kind = "retrain", Pipeline = "/srv/pipelines/credit.yaml", CanaryDeployment = "credit-prod" }] },
        ],
        Notifiers = [new NotifierSpec { Kind = "webhook", Url = "https://hooks.example.com/keel", SecretEnv = "KEEL_HOOK_SECRET", Format = "slack", MaxAttempts = 3 }, new NotifierSpec { Kind = "log" }],
    };

    [Fact]
    public async Task PutMonitor_ThenGet_RoundTripsTheNormalisedSpecExactly_WithWhoAndWhen()
    {
        var normal = MonitorSpecValidator.Normalize(FullSpec("credit-risk"));
        var put = await Store.PutMonitorAsync(normal, "alice");
        var read = await Store.GetMonitorAsync("credit-risk");

        Assert.NotNull(read);
        AssertSame(normal, read.Spec);
        AssertSame(put, read);
        Assert.Equal(Now, read.UpdatedAtMs);
        Assert.Equal("alice", read.UpdatedBy);
        Assert.Equal("production", read.Spec.Rules![0].Actions![1].Alias);
        Assert.Equal("/srv/pipelines/credit.yaml", read.Spec.Rules[2].Actions![0].Pipeline);
        Assert.Null(await Store.GetMonitorAsync("nobody"));
    }

    [Fact]
    public async Task PutMonitor_NormalisesWhatItStores_AndRefusesAnInvalidSpec_WithoutWriting()
    {
        var stored = await Store.PutMonitorAsync(new MonitorSpec { Model = "m" }, "alice");
        AssertSame(MonitorSpecValidator.Default("m"), stored.Spec);

        var bad = new MonitorSpec { Model = "bad", IntervalSeconds = 0, Rules = [new AlertRule { Name = "x", Kind = "nope" }] };
        var e = await Fails(ErrorCode.InvalidParameterValue, () => Store.PutMonitorAsync(bad, "alice"));
        Assert.Contains("interval_seconds", e.Message);
        Assert.Null(await Store.GetMonitorAsync("bad"));
    }

    [Fact]
    public async Task PutMonitor_Again_ReplacesIt_AndListPagesByModelName()
    {
        foreach (var model in new[] { "c", "a", "b" })
        {
            await Store.PutMonitorAsync(MonitorSpecValidator.Default(model), "alice");
        }

        Clock.Advance(TimeSpan.FromMinutes(5));
        await Store.PutMonitorAsync(MonitorSpecValidator.Normalize(new MonitorSpec { Model = "a", IntervalSeconds = 30 }), "bob");

        var first = await Store.ListMonitorsAsync(2, null);
        Assert.Equal(["a", "b"], first.Items.Select(m => m.Spec.Model));
        Assert.Equal(30, first.Items[0].Spec.IntervalSeconds);
        Assert.Equal("bob", first.Items[0].UpdatedBy);
        Assert.Equal(Now, first.Items[0].UpdatedAtMs);
        Assert.NotNull(first.NextPageToken);
        var second = await Store.ListMonitorsAsync(2, first.NextPageToken);
        Assert.Equal(["c"], second.Items.Select(m => m.Spec.Model));
        Assert.Null(second.NextPageToken);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.ListMonitorsAsync(0, null));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.ListMonitorsAsync(2, "not-a-token"));
    }

    [Fact]
    public async Task DeleteMonitor_RemovesOnlyTheSpec_WindowsAndAlertsStay()
    {
        await Store.PutMonitorAsync(MonitorSpecValidator.Default("m"), "alice");
        await Store.PutWindowsAsync([Window("m", "1", 0)]);
        var alert = await Store.TryPutAlertAsync(NewAlert("m", "drift"), 0, null);

        Assert.True(await Store.DeleteMonitorAsync("m"));
        Assert.False(await Store.DeleteMonitorAsync("m"));
        Assert.Null(await Store.GetMonitorAsync("m"));
        Assert.Single((await Store.ListWindowsAsync(new MonitorWindowQuery("m"))).Items);
        Assert.NotNull(await Store.GetAlertAsync(alert!.Key));
    }
}
