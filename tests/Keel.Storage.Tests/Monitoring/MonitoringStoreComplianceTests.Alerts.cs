using Keel.Core.Errors;
using Keel.Core.Monitoring;

namespace Keel.Storage.Tests.Monitoring;

// Alerts: optimistic revision (a stale writer gets null and nothing is written), history written in
// the same transaction, listing and paging.
public abstract partial class MonitoringStoreComplianceTests
{
    protected Alert NewAlert(string model, string rule, string version = "1", string? deployment = null, string? arm = null, string state = AlertStates.Pending) => new()
    {
        Key = Alert.MakeKey(model, rule, version, deployment, arm),
        Model = model,
        Rule = rule,
        Kind = AlertRuleKinds.DriftedShare,
        Severity = "critical",
        Version = version,
        Deployment = deployment,
        Arm = arm,
        State = state,
        Breaches = 1,
        Clears = 0,
        Value = 0.42,
        Message = "drifted share 0.42 > 0.3",
        SinceMs = Now,
        FiredAtMs = null,
        LastWindowEndMs = Now - 1,
    };

    protected AlertEvent Change(Alert alert, string? from, string to, string evidence = """{"windows":[1,2],"threshold":0.3}""") =>
        new(0, 0, alert.Model, alert.Rule, from, to, Now, alert.Value, $"{from ?? "new"} -> {to}", evidence);

    [Fact]
    public async Task TryPutAlert_Creates_AtRevisionOne_WithItsHistoryEntry_PointingAtIt()
    {
        var alert = NewAlert("m", "drift", "2", "credit-prod", "candidate");
        var created = await Store.TryPutAlertAsync(alert, 0, Change(alert, null, AlertStates.Pending));

        Assert.NotNull(created);
        Assert.Equal(1, created.Revision);
        Assert.True(created.Id > 0);
        var read = await Store.GetAlertAsync(alert.Key);
        AssertSame(created, read);
        AssertSame(alert with { Id = created.Id, Revision = 1 }, read);
        var e = Assert.Single((await Store.ListAlertEventsAsync("m", null, 10, null)).Items);
        Assert.True(e.Id > 0);
        AssertSame(Change(alert, null, AlertStates.Pending) with { Id = e.Id, AlertId = created.Id }, e);
        Assert.Null(await Store.GetAlertAsync(Alert.MakeKey("m", "drift", "2", "credit-prod", "stable")));
    }

    [Fact]
    public async Task TryPutAlert_AtTheReadRevision_Writes_AndAStaleWriterGetsNull_WithNothingWritten()
    {
        var alert = NewAlert("m", "drift");
        var created = (await Store.TryPutAlertAsync(alert, 0, Change(alert, null, AlertStates.Pending)))!;
        Clock.Advance(TimeSpan.FromMinutes(5));
        var firing = created with { State = AlertStates.Firing, Breaches = 2, SinceMs = Now, FiredAtMs = Now, LastWindowEndMs = Now - 1 };
        var written = await Store.TryPutAlertAsync(firing, 1, Change(firing, AlertStates.Pending, AlertStates.Firing));
        Assert.Equal(2, written?.Revision);

        var stale = created with { State = AlertStates.Resolved, Breaches = 0, Clears = 1 };
        Assert.Null(await Store.TryPutAlertAsync(stale, 1, Change(stale, AlertStates.Pending, AlertStates.Resolved)));
        Assert.Null(await Store.TryPutAlertAsync(alert, 0, Change(alert, null, AlertStates.Pending)));
        Assert.Null(await Store.TryPutAlertAsync(NewAlert("m", "never-created"), 3, null));

        AssertSame(written, await Store.GetAlertAsync(alert.Key));
        Assert.Equal([AlertStates.Firing, AlertStates.Pending], (await Store.ListAlertEventsAsync("m", null, 10, null)).Items.Select(e => e.To));
        Assert.Null(await Store.GetAlertAsync(NewAlert("m", "never-created").Key));
    }

    [Fact]
    public async Task TwoWritersFromTheSameRevision_OnlyOneMovesTheAlert_AndOnlyItsChangeIsInTheHistory()
    {
        var alert = NewAlert("m", "drift");
        var created = (await Store.TryPutAlertAsync(alert, 0, null))!;
        var firing = created with { State = AlertStates.Firing, Breaches = 2 };
        var resolved = created with { State = AlertStates.Resolved, Breaches = 0, Clears = 1 };
        var results = await Task.WhenAll(
            Task.Run(() => Store.TryPutAlertAsync(firing, 1, Change(firing, AlertStates.Pending, AlertStates.Firing))),
            Task.Run(() => Store.TryPutAlertAsync(resolved, 1, Change(resolved, AlertStates.Pending, AlertStates.Resolved))));

        var winner = Assert.Single(results, r => r is not null)!;
        AssertSame(winner, await Store.GetAlertAsync(alert.Key));
        var e = Assert.Single((await Store.ListAlertEventsAsync(null, null, 10, null)).Items);
        Assert.Equal(winner.State, e.To);
    }

    [Fact]
    public async Task TryPutAlert_RefusesAMismatchedKey_AnUnknownState_AndEvidenceThatIsNotAJsonObject_WithoutWriting()
    {
        var alert = NewAlert("m", "drift");
        await Fails(ErrorCode.InvalidParameterValue, () => Store.TryPutAlertAsync(alert with { Key = "m/drift" }, 0, null));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.TryPutAlertAsync(alert with { State = "exploded" }, 0, null));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.TryPutAlertAsync(alert with { Value = double.NaN }, 0, null));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.TryPutAlertAsync(alert, 0, Change(alert, null, AlertStates.Pending, "[1, 2]")));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.TryPutAlertAsync(alert, 0, Change(alert, null, AlertStates.Pending, "{broken")));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.TryPutAlertAsync(alert, -1, null));

        Assert.Null(await Store.GetAlertAsync(alert.Key));
        Assert.Empty((await Store.ListAlertEventsAsync(null, null, 10, null)).Items);
    }

    [Fact]
    public async Task ListAlerts_ByModelAndState_MostRecentlyChangedFirst_InPages()
    {
        foreach (var (model, rule, state) in new[] { ("m", "a", AlertStates.Firing), ("m", "b", AlertStates.Resolved), ("other", "a", AlertStates.Firing), ("m", "c", AlertStates.Firing) })
        {
            await Store.TryPutAlertAsync(NewAlert(model, rule, state: state), 0, null);
            Clock.Advance(TimeSpan.FromMinutes(1));
        }

        Assert.Equal(["c", "b", "a"], (await Store.ListAlertsAsync("m", null, 10, null)).Items.Select(a => a.Rule));
        Assert.Equal(["c", "a"], (await Store.ListAlertsAsync("m", AlertStates.Firing, 10, null)).Items.Select(a => a.Rule));
        Assert.Equal(["m/c", "other/a", "m/a"], (await Store.ListAlertsAsync(null, AlertStates.Firing, 10, null)).Items.Select(a => $"{a.Model}/{a.Rule}"));
        var first = await Store.ListAlertsAsync(null, null, 3, null);
        var second = await Store.ListAlertsAsync(null, null, 3, first.NextPageToken);
        Assert.Equal(["m/c", "other/a", "m/b", "m/a"], first.Items.Concat(second.Items).Select(a => $"{a.Model}/{a.Rule}"));
        Assert.Null(second.NextPageToken);
        await Fails(ErrorCode.InvalidParameterValue, () => Store.ListAlertsAsync("m", "exploded", 10, null));
        await Fails(ErrorCode.InvalidParameterValue, () => Store.ListAlertsAsync("m", null, 0, null));
    }

    [Fact]
    public async Task ListAlertEvents_NewestFirst_FromATime_ByModel_InPages_WithEvidenceAsStored()
    {
        var alert = NewAlert("m", "drift");
        var current = (await Store.TryPutAlertAsync(alert, 0, Change(alert, null, AlertStates.Pending)))!;
        var since = Now + 60_000;
        foreach (var state in new[] { AlertStates.Firing, AlertStates.Resolved, AlertStates.Pending })
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            var next = current with { State = state, SinceMs = Now };
            current = (await Store.TryPutAlertAsync(next, current.Revision, Change(next, current.State, state, $$"""{"state":"{{state}}"}""")))!;
        }

        var other = NewAlert("other", "drift");
        await Store.TryPutAlertAsync(other, 0, Change(other, null, AlertStates.Pending));

        var all = (await Store.ListAlertEventsAsync("m", null, 10, null)).Items;
        Assert.Equal([AlertStates.Pending, AlertStates.Resolved, AlertStates.Firing, AlertStates.Pending], all.Select(e => e.To));
        Assert.Equal("""{"state":"resolved"}""", all[1].EvidenceJson);
        Assert.All(all, e => Assert.Equal(current.Id, e.AlertId));
        Assert.Equal(3, (await Store.ListAlertEventsAsync("m", since, 10, null)).Items.Count);
        Assert.Equal(5, (await Store.ListAlertEventsAsync(null, null, 10, null)).Items.Count);
        var page = await Store.ListAlertEventsAsync("m", null, 3, null);
        Assert.Equal(3, page.Items.Count);
        var last = Assert.Single((await Store.ListAlertEventsAsync("m", null, 3, page.NextPageToken)).Items);
        Assert.Null(last.From);
    }
}
