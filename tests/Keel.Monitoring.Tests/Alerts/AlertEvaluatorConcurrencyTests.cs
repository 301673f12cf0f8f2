using Keel.Core.Monitoring;

namespace Keel.Monitoring.Tests.Alerts;

public sealed class AlertEvaluatorConcurrencyTests : IAsyncDisposable
{
    private readonly AlertRig _rig = new();

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    [Fact]
    public async Task TwoEvaluatorsOnTheSameWindows_MakeOneTransition_RunTheActionsOnce_AndNotifyOnce()
    {
        var spec = MonitorSpecValidator.Normalize(new MonitorSpec
        {
            Model = AlertWindows.Model,
            Rules = [new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, Actions = [new AlertAction { Kind = "rollback_deployment" }] }],
        });
        var windows = await _rig.Store.PutWindowsAsync([AlertWindows.Window(0, 0.6)]);
        var gate = new ReadTogetherStore.Gate(2);
        var a = _rig.Evaluator(new ReadTogetherStore(_rig.Store, gate), withActions: true);
        var b = _rig.Evaluator(new ReadTogetherStore(_rig.Store, gate), withActions: true);

        var results = await Task.WhenAll(
            Task.Run(() => a.EvaluateAsync(spec, windows, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken),
            Task.Run(() => b.EvaluateAsync(spec, windows, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));

        Assert.Equal(1, results.Sum(r => r.Count));
        var firing = Assert.Single(await _rig.HistoryAsync());
        Assert.Equal((null, AlertStates.Firing), (firing.From, firing.To));
        Assert.Single(_rig.ActionsRun);
        Assert.Single(_rig.Notified);
        var alert = Assert.Single((await _rig.Store.ListAlertsAsync(null, null, 10, null)).Items);
        Assert.Equal(1, alert.Breaches);
    }

    [Fact]
    public async Task TwoEvaluatorsOnABatchOfWindows_CountEachWindowOnce()
    {
        var spec = MonitorSpecValidator.Normalize(new MonitorSpec
        {
            Model = AlertWindows.Model,
            Rules = [new AlertRule { Name = "drift", Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, For = 3, ClearFor = 2 }],
        });
        double[] shares = [0.5, 0.5, 0.5, 0.5, 0.1, 0.1];
        var windows = await _rig.Store.PutWindowsAsync([.. shares.Select((s, i) => AlertWindows.Window(i, s))]);
        var gate = new ReadTogetherStore.Gate(2);
        var a = _rig.Evaluator(new ReadTogetherStore(_rig.Store, gate));
        var b = _rig.Evaluator(new ReadTogetherStore(_rig.Store, gate));

        var results = await Task.WhenAll(
            Task.Run(() => a.EvaluateAsync(spec, windows, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken),
            Task.Run(() => b.EvaluateAsync(spec, windows, TestContext.Current.CancellationToken), TestContext.Current.CancellationToken));

        Assert.Equal(3, results.Sum(r => r.Count));
        Assert.Equal(["->pending", "pending->firing", "firing->resolved"], (await _rig.HistoryAsync()).Select(e => $"{e.From}->{e.To}"));
        Assert.Equal(AlertWindows.Window(2).EndMs, (await _rig.HistoryAsync())[1].AtMs);
        Assert.Equal(2, _rig.Notified.Count);
    }
}
