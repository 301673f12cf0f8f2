using System.Text.Json;
using Keel.Core.Monitoring;
using Keel.Monitoring.Alerts;

namespace Keel.Monitoring.Tests.Alerts;

public sealed class AlertEvaluatorTests : IAsyncDisposable
{
    private readonly AlertRig _rig = new();

    public ValueTask DisposeAsync() => _rig.DisposeAsync();

    private static MonitorSpec Spec(params AlertRule[] rules) =>
        MonitorSpecValidator.Normalize(new MonitorSpec { Model = AlertWindows.Model, Rules = rules });

    private static AlertRule Drift(int @for = 2, int clearFor = 2, string name = "drift", IReadOnlyList<AlertAction>? actions = null, string? deployment = null) =>
        new() { Name = name, Kind = AlertRuleKinds.DriftedShare, Threshold = 0.3, ClearThreshold = 0.2, For = @for, ClearFor = clearFor, Actions = actions, Deployment = deployment };

    [Fact]
    public async Task PassAfterPass_AlertGoesPendingFiringResolved_WithHistoryAndEvidence_AndNotifiesFiringAndResolvedOnly()
    {
        var spec = Spec(Drift());
        var evaluator = _rig.Evaluator();
        double[] shares = [0.1, 0.4, 0.5, 0.6, 0.1, 0.25, 0.1, 0.1];
        var changes = new List<AlertEvent>();
        for (var i = 0; i < shares.Length; i++)
        {
            var stored = await _rig.Store.PutWindowsAsync([AlertWindows.Window(i, shares[i]) with { Features = [new FeatureDrift("income", "input", "ks", 0.4, 0.001, 0.05, true), new FeatureDrift("age", "input", "ks", 0.01, 0.9, 0.05, false)] }]);
            changes.AddRange(await evaluator.EvaluateAsync(spec, stored, TestContext.Current.CancellationToken));
        }

        Assert.Equal(["->pending", "pending->firing", "firing->resolved"], changes.Select(c => $"{c.From}->{c.To}"));
        var history = await _rig.HistoryAsync();
        Assert.Equal(changes.Select(c => (c.From, c.To, c.AtMs)), history.Select(e => (e.From, e.To, e.AtMs)));
        Assert.Equal([AlertWindows.Window(1).EndMs, AlertWindows.Window(2).EndMs, AlertWindows.Window(7).EndMs], history.Select(e => e.AtMs));

        var alert = Assert.Single((await _rig.Store.ListAlertsAsync(AlertWindows.Model, null, 10, null)).Items);
        Assert.Equal(AlertStates.Resolved, alert.State);
        Assert.Equal(AlertWindows.Window(2).EndMs, alert.FiredAtMs);
        Assert.All(history, e => Assert.Equal(alert.Id, e.AlertId));

        using var evidence = JsonDocument.Parse(history[1].EvidenceJson);
        var root = evidence.RootElement;
        Assert.Equal(0.5, root.GetProperty("value").GetDouble());
        Assert.Equal("breach", root.GetProperty("verdict").GetString());
        Assert.Equal(0.3, root.GetProperty("threshold").GetDouble());
        Assert.Equal(0.2, root.GetProperty("clear_threshold").GetDouble());
        Assert.Equal(2, root.GetProperty("breaches").GetInt32());
        Assert.Equal("drift", root.GetProperty("rule").GetProperty("name").GetString());
        Assert.Equal(AlertWindows.Window(2).EndMs, root.GetProperty("window").GetProperty("end_ms").GetInt64());
        Assert.True(root.GetProperty("window").GetProperty("id").GetInt64() > 0);
        Assert.False(root.GetProperty("window").TryGetProperty("features", out _));
        Assert.Equal(["income"], root.GetProperty("drifted_features").EnumerateArray().Select(f => f.GetString()));

        Assert.Equal([AlertStates.Firing, AlertStates.Resolved], _rig.Notified.Select(n => n.Event.To));
        Assert.Equal(AlertWindows.Window(2).EndMs, _rig.Notified.First().Window.EndMs);
    }

    [Fact]
    public async Task BreachingWhileFiring_StaysOneAlert_WithOneFiringEventAndOneNotification()
    {
        var spec = Spec(Drift(@for: 1));
        var evaluator = _rig.Evaluator();
        for (var i = 0; i < 6; i++)
        {
            await evaluator.EvaluateAsync(spec, await _rig.Store.PutWindowsAsync([AlertWindows.Window(i, 0.5 + (i / 100.0))]), TestContext.Current.CancellationToken);
        }

        var alert = Assert.Single((await _rig.Store.ListAlertsAsync(null, null, 10, null)).Items);
        Assert.Equal(AlertStates.Firing, alert.State);
        Assert.Equal(6, alert.Breaches);
        Assert.Equal(0.55, alert.Value!.Value, 1e-12);
        Assert.Single(await _rig.HistoryAsync());
        Assert.Single(_rig.Notified);
    }

    [Fact]
    public async Task TheSameWindowsEvaluatedAgain_AreNotCountedTwice()
    {
        var spec = Spec(Drift(@for: 3));
        var evaluator = _rig.Evaluator();
        var windows = await _rig.Store.PutWindowsAsync([AlertWindows.Window(0, 0.5), AlertWindows.Window(1, 0.5)]);

        var first = await evaluator.EvaluateAsync(spec, windows, TestContext.Current.CancellationToken);
        var again = await evaluator.EvaluateAsync(spec, windows, TestContext.Current.CancellationToken);
        var third = await evaluator.EvaluateAsync(spec, [windows[1]], TestContext.Current.CancellationToken);

        Assert.Single(first);
        Assert.Empty(again);
        Assert.Empty(third);
        var alert = await _rig.Store.GetAlertAsync(Alert.MakeKey(AlertWindows.Model, "drift", "1", null, null), TestContext.Current.CancellationToken);
        Assert.Equal((AlertStates.Pending, 2), (alert!.State, alert.Breaches));
    }

    [Fact]
    public async Task EachSeriesHasItsOwnAlert_AndARuleWithADeploymentOnlySeesThatDeployment()
    {
        var spec = Spec(Drift(@for: 1), Drift(@for: 1, name: "canary-drift", deployment: "credit-canary"));
        var windows = await _rig.Store.PutWindowsAsync(
        [
            AlertWindows.Window(0, 0.5),
            AlertWindows.Window(0, 0.5, version: "2", deployment: "credit-canary", arm: "candidate"),
            AlertWindows.Window(0, 0.1, version: "1", deployment: "credit-canary", arm: "stable"),
            AlertWindows.Window(0, 0.5, version: "2", deployment: "other", arm: "candidate"),
        ]);

        await _rig.Evaluator().EvaluateAsync(spec, windows, TestContext.Current.CancellationToken);

        var alerts = (await _rig.Store.ListAlertsAsync(null, AlertStates.Firing, 10, null)).Items;
        Assert.Equal(
            ["canary-drift 2 credit-canary candidate", "drift 1  ", "drift 2 credit-canary candidate", "drift 2 other candidate"],
            alerts.Select(a => $"{a.Rule} {a.Version} {a.Deployment} {a.Arm}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task AWindowWithoutDataForTheRule_NeitherBreachesNorClears()
    {
        var spec = Spec(new AlertRule { Name = "auc", Kind = AlertRuleKinds.Metric, Threshold = 0.8, For = 2 });
        var evaluator = _rig.Evaluator();
        var low = new WindowPerformance("auc", true, 0.7, 200, null, 0, 0.9);
        foreach (var (i, performance) in new[] { (0, low), (1, low with { Value = null, LabelledRows = 0 }), (2, low) })
        {
            await evaluator.EvaluateAsync(spec, await _rig.Store.PutWindowsAsync([AlertWindows.Window(i) with { Performance = performance }]), TestContext.Current.CancellationToken);
        }

        var history = await _rig.HistoryAsync();
        Assert.Equal([(null, AlertStates.Pending, AlertWindows.Window(0).EndMs), (AlertStates.Pending, AlertStates.Firing, AlertWindows.Window(2).EndMs)], history.Select(e => (e.From, e.To, e.AtMs)));
    }

    [Fact]
    public async Task MovingToFiring_RunsTheRulesActionsOnce_AndRecordsTheirOutcomesInTheFiringEvent()
    {
        var actions = new[] { new AlertAction { Kind = "rollback_deployment" }, new AlertAction { Kind = "retrain", Pipeline = "/srv/credit.yaml" } };
        var spec = Spec(Drift(@for: 1, actions: actions));
        var evaluator = _rig.Evaluator(withActions: true);
        for (var i = 0; i < 3; i++)
        {
            await evaluator.EvaluateAsync(spec, await _rig.Store.PutWindowsAsync([AlertWindows.Window(i, 0.5, deployment: "credit-canary", arm: "candidate")]), TestContext.Current.CancellationToken);
        }

        Assert.Equal(["rollback_deployment", "retrain"], _rig.ActionsRun.Select(a => a.Action.Kind));
        Assert.All(_rig.ActionsRun, a => Assert.Equal(AlertStates.Firing, a.Alert.State));
        var firing = Assert.Single(await _rig.HistoryAsync());
        Assert.Equal((null, AlertStates.Firing), (firing.From, firing.To));
        using var evidence = JsonDocument.Parse(firing.EvidenceJson);
        var outcomes = evidence.RootElement.GetProperty("actions").EnumerateArray().ToArray();
        Assert.Equal(["rollback_deployment", "retrain"], outcomes.Select(o => o.GetProperty("kind").GetString()));
        Assert.All(outcomes, o => Assert.True(o.GetProperty("succeeded").GetBoolean()));
        Assert.Equal("credit-canary", outcomes[0].GetProperty("reference").GetString());
        Assert.Single(_rig.Notified);
    }

    [Fact]
    public async Task WithoutAnActionRunner_TheFiringEventSaysTheActionsWereNotRun()
    {
        var spec = Spec(Drift(@for: 1, actions: [new AlertAction { Kind = "rollback_production" }]));

        await _rig.Evaluator().EvaluateAsync(spec, await _rig.Store.PutWindowsAsync([AlertWindows.Window(0, 0.9)]), TestContext.Current.CancellationToken);

        using var evidence = JsonDocument.Parse(Assert.Single(await _rig.HistoryAsync()).EvidenceJson);
        var outcome = Assert.Single(evidence.RootElement.GetProperty("actions").EnumerateArray());
        Assert.False(outcome.GetProperty("succeeded").GetBoolean());
        Assert.Equal(AlertEvaluator.NoRunner, outcome.GetProperty("message").GetString());
    }
}
