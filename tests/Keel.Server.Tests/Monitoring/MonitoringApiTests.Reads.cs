using Keel.Core.Monitoring;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Monitoring;

// Windows, status, alerts and history, as the contract names their fields.
public sealed partial class MonitoringApiTests
{
    private const long T0 = 1_700_000_000_000;
    private const long Step = 300_000;

    private static MonitorWindow Window(string model, string version, int index, string? deployment = null, string? arm = null) => new()
    {
        Model = model,
        Version = version,
        Deployment = deployment,
        Arm = arm,
        StartMs = T0 + (index * Step),
        EndMs = T0 + ((index + 1) * Step),
        ComputedAtMs = T0 + ((index + 1) * Step),
        Requests = 100 + index,
        Errors = 2,
        LatencyP50Us = 800,
        LatencyP99Us = 4000,
        InputRows = 100 + index,
        ReferenceSource = "training",
        DriftedShare = 0.5,
        DatasetDrift = true,
        Features = [new FeatureDrift("income", "input", "ks", 0.4, 0.001, 0.05, true), new FeatureDrift("prediction", "prediction", "chisquare", 3.2, 0.2, 0.05, false)],
        Quality = new WindowQuality(false, 0.02, 0.3, 0, ["income: 30% out of range"]),
        Performance = new WindowPerformance("accuracy", true, 0.8, 50, 0.78, 100 + index, 0.85),
    };

    private static Alert NewAlert(string model, string rule, string state, long sinceMs) => new()
    {
        Key = Alert.MakeKey(model, rule, "1", null, null),
        Model = model,
        Rule = rule,
        Kind = AlertRuleKinds.DriftedShare,
        Severity = "warning",
        Version = "1",
        State = state,
        Breaches = 2,
        Value = 0.5,
        Message = "drifted share 0.5 > 0.3",
        SinceMs = sinceMs,
        LastWindowEndMs = sinceMs,
    };

    [Fact]
    public async Task WindowsList_AnswersEveryFieldAsTheContractNamesIt_OldestFirst_FilteredAndPaged()
    {
        var model = await ModelAsync();
        await Store.PutWindowsAsync([Window(model, "1", 1), Window(model, "1", 0), Window(model, "1", 0, "dep", "candidate")]);

        var all = await _client.ApiGetAsync($"{Api}windows/list?model={model}&version=&deployment=&arm=");
        Assert.Equal(200, all.Status);
        var windows = all["windows"].EnumerateArray().ToList();
        Assert.Equal([T0 + Step, T0 + Step, T0 + (2 * Step)], windows.Select(w => w.GetProperty("end_ms").GetInt64()));
        var w = windows[1];
        Assert.Equal(
            ["id", "model", "version", "deployment", "arm", "start_ms", "end_ms", "computed_at_ms", "requests", "errors", "latency_p50_us", "latency_p99_us", "input_rows", "reference_source", "drifted_share", "dataset_drift", "features", "quality", "performance"],
            Names(w));
        Assert.Equal(["feature", "kind", "method", "score", "p_value", "threshold", "drifted"], Names(w.GetProperty("features")[0]));
        Assert.Equal(["passed", "max_missing_share", "max_out_of_range_share", "max_unseen_share", "failures"], Names(w.GetProperty("quality")));
        Assert.Equal(["metric", "higher_is_better", "value", "labelled_rows", "estimated", "estimated_rows", "validation"], Names(w.GetProperty("performance")));
        Assert.Equal(("dep", "candidate"), (w.GetProperty("deployment").GetString(), w.GetProperty("arm").GetString()));
        Assert.Equal(0.4, w.GetProperty("features")[0].GetProperty("score").GetDouble());

        var filtered = await _client.ApiGetAsync($"{Api}windows/list?model={model}&deployment=dep&arm=candidate");
        Assert.Single(filtered["windows"].EnumerateArray());
        var late = await _client.ApiGetAsync($"{Api}windows/list?model={model}&from_ms={T0 + Step}&to_ms={T0 + (2 * Step)}");
        Assert.Equal(1, late["windows"].GetArrayLength());
        var first = await _client.ApiGetAsync($"{Api}windows/list?model={model}&max_results=2");
        Assert.Equal(2, first["windows"].GetArrayLength());
        var token = first["next_page_token"].GetString();
        var second = await _client.ApiGetAsync($"{Api}windows/list?model={model}&max_results=2&page_token={token}");
        Assert.Equal(T0 + (2 * Step), Assert.Single(second["windows"].EnumerateArray()).GetProperty("end_ms").GetInt64());
        Assert.False(second.Json.TryGetProperty("next_page_token", out _));
    }

    [Fact]
    public async Task Status_ShowsTheDefaultMonitor_TheLatestWindowPerSeries_AndOnlyActiveAlerts()
    {
        var model = await ModelAsync();
        await Store.PutWindowsAsync([Window(model, "1", 0), Window(model, "1", 3), Window(model, "1", 1, "dep", "stable")]);
        await Store.TryPutAlertAsync(NewAlert(model, "pending-rule", AlertStates.Pending, T0 + 3), 0, null);
        await Store.TryPutAlertAsync(NewAlert(model, "firing-rule", AlertStates.Firing, T0 + 1), 0, null);
        await Store.TryPutAlertAsync(NewAlert(model, "resolved-rule", AlertStates.Resolved, T0 + 2), 0, null);

        var status = await _client.ApiGetAsync($"{Api}status?model={model}");

        Assert.Equal(200, status.Status);
        Assert.Equal(["model", "monitor", "latest", "alerts"], Names(status.Json));
        Assert.True(status["monitor"].GetProperty("default").GetBoolean());
        Assert.Equal(300, status["monitor"].GetProperty("spec").GetProperty("interval_seconds").GetInt32());
        Assert.Equal([T0 + (4 * Step), T0 + (2 * Step)], status["latest"].EnumerateArray().Select(w => w.GetProperty("end_ms").GetInt64()));
        Assert.Equal(["firing-rule", "pending-rule"], status["alerts"].EnumerateArray().Select(a => a.GetProperty("rule").GetString()));

        await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/apply", Spec(model), user: "alice");
        var applied = await _client.ApiGetAsync($"{Api}status?model={model}");
        Assert.False(applied["monitor"].GetProperty("default").GetBoolean());
        Assert.Equal("alice", applied["monitor"].GetProperty("updated_by").GetString());

        var ghost = await _client.ApiGetAsync($"{Api}status?model=no-such-model");
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (ghost.Status, ghost.ErrorCode));
    }

    [Fact]
    public async Task AlertsListAndHistory_AnswerTheStoredAlerts_WithEvidenceAsAJsonObject_NewestFirst()
    {
        var model = await ModelAsync();
        var pending = NewAlert(model, "drift", AlertStates.Pending, T0);
        var created = (await Store.TryPutAlertAsync(pending, 0, new AlertEvent(0, 0, model, "drift", null, AlertStates.Pending, T0, 0.5, "breached", """{"window_ids":[1],"threshold":0.3}""")))!;
        var firing = created with { State = AlertStates.Firing, SinceMs = T0 + Step, FiredAtMs = T0 + Step };
        await Store.TryPutAlertAsync(firing, created.Revision, new AlertEvent(0, 0, model, "drift", AlertStates.Pending, AlertStates.Firing, T0 + Step, 0.6, "fired", """{"actions":[{"kind":"rollback_production","succeeded":true}]}"""));

        var alerts = await _client.ApiGetAsync($"{Api}alerts/list?model={model}&state=firing");
        var alert = Assert.Single(alerts["alerts"].EnumerateArray());
        Assert.Equal(("firing", 2L, T0 + Step), (alert.GetProperty("state").GetString(), alert.GetProperty("revision").GetInt64(), alert.GetProperty("fired_at_ms").GetInt64()));
        Assert.Equal(pending.Key, alert.GetProperty("key").GetString());
        Assert.Empty((await _client.ApiGetAsync($"{Api}alerts/list?model={model}&state=resolved"))["alerts"].EnumerateArray());

        var history = await _client.ApiGetAsync($"{Api}alerts/history?model={model}");
        var events = history["events"].EnumerateArray().ToList();
        Assert.Equal(["firing", "pending"], events.Select(e => e.GetProperty("to").GetString()));
        Assert.Equal(["id", "alert_id", "model", "rule", "from", "to", "at_ms", "value", "message", "evidence"], Names(events[0]));
        Assert.True(events[0].GetProperty("evidence").GetProperty("actions")[0].GetProperty("succeeded").GetBoolean());
        Assert.Equal(0.3, events[1].GetProperty("evidence").GetProperty("threshold").GetDouble());
        Assert.Equal(created.Id, events[1].GetProperty("alert_id").GetInt64());
        Assert.Single((await _client.ApiGetAsync($"{Api}alerts/history?model={model}&from_ms={T0 + 1}"))["events"].EnumerateArray());
    }
}
