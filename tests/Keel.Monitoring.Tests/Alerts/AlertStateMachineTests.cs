using Keel.Core.Monitoring;
using Keel.Monitoring.Alerts;

namespace Keel.Monitoring.Tests.Alerts;

/// <summary>
/// The state machine over sequences of windows (drifted share; threshold 0.3, clear threshold 0.2
/// unless the case says otherwise). Each case gives the drifted share of each window ("-" for a
/// window without a drift verdict) and the state after each window ("-": no alert).
/// </summary>
public sealed class AlertStateMachineTests
{
    public static TheoryData<string, int, int, string, string> Sequences => new()
    {
        // values, for, clear_for, expected states, expected changes (from>to)
        { "0.1 0.1 0.25", 2, 2, "- - -", "" },
        { "0.4", 2, 2, "pending", "->pending" },
        { "0.4 0.4", 2, 2, "pending firing", "->pending pending>firing" },
        { "0.4", 1, 1, "firing", "->firing" },
        { "0.4 0.4 0.4 0.4", 2, 2, "pending firing firing firing", "->pending pending>firing" },
        { "0.4 0.1 0.4 0.4", 2, 2, "pending resolved pending firing", "->pending pending>resolved resolved>pending pending>firing" },
        // a window in the hysteresis band ends a pending run too: it is not a breach
        { "0.4 0.25 0.4", 2, 2, "pending resolved pending", "->pending pending>resolved resolved>pending" },
        // firing: two clear windows in a row resolve it
        { "0.4 0.4 0.1 0.1", 2, 2, "pending firing firing resolved", "->pending pending>firing firing>resolved" },
        // hysteresis: a window between 0.2 and 0.3 keeps it firing and restarts the clear count
        { "0.4 0.4 0.1 0.25 0.1 0.1", 2, 2, "pending firing firing firing firing resolved", "->pending pending>firing firing>resolved" },
        // a breach between clear windows restarts the clear count as well
        { "0.4 0.4 0.1 0.4 0.1 0.1", 2, 2, "pending firing firing firing firing resolved", "->pending pending>firing firing>resolved" },
        // windows without data neither count nor reset
        { "0.4 - 0.4", 2, 2, "pending pending firing", "->pending pending>firing" },
        { "0.4 0.4 0.1 - 0.1", 2, 2, "pending firing firing firing resolved", "->pending pending>firing firing>resolved" },
        // resolved, then breaching again: the same alert (one per key) goes pending, then fires again
        { "0.4 0.1 0.5 0.5", 1, 1, "firing resolved firing firing", "->firing firing>resolved resolved>firing" },
        { "0.4 0.4 0.4", 3, 1, "pending pending firing", "->pending pending>firing" },
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void WindowSequence_GivesTheExpectedStatesAndChanges(string values, int @for, int clearFor, string states, string changes)
    {
        var rule = AlertWindows.Rule(AlertRuleKinds.DriftedShare, 0.3, clear: 0.2, @for: @for, clearFor: clearFor);
        Alert? alert = null;
        var seen = new List<string>();
        var changed = new List<string>();
        var shares = values.Split(' ');
        for (var i = 0; i < shares.Length; i++)
        {
            var window = AlertWindows.Window(i, shares[i] == "-" ? null : double.Parse(shares[i], System.Globalization.CultureInfo.InvariantCulture));
            if (AlertRuleReadings.Read(rule, window) is { } reading)
            {
                var step = AlertStateMachine.Step(alert, AlertWindows.Model, rule, window, reading);
                if (step.Changed)
                {
                    changed.Add($"{step.From ?? "-"}>{step.Next!.State}");
                }

                alert = step.Next ?? alert;
            }

            seen.Add(alert?.State ?? "-");
        }

        Assert.Equal(states, string.Join(' ', seen));
        Assert.Equal(changes, string.Join(' ', changed));
    }

    [Fact]
    public void Firing_CountsBreachesAndKeepsWhenItFirst_Fired()
    {
        var rule = AlertWindows.Rule(AlertRuleKinds.DriftedShare, 0.3, @for: 2);
        Alert? alert = null;
        foreach (var i in new[] { 0, 1, 2, 3 })
        {
            var window = AlertWindows.Window(i, 0.5, deployment: "canary-credit", arm: "candidate");
            alert = AlertStateMachine.Step(alert, AlertWindows.Model, rule, window, AlertRuleReadings.Read(rule, window)!).Next;
        }

        Assert.NotNull(alert);
        Assert.Equal(AlertStates.Firing, alert.State);
        Assert.Equal(4, alert.Breaches);
        Assert.Equal(AlertWindows.Window(1).EndMs, alert.FiredAtMs);
        Assert.Equal(AlertWindows.Window(1).EndMs, alert.SinceMs);
        Assert.Equal(AlertWindows.Window(3).EndMs, alert.LastWindowEndMs);
        Assert.Equal(Alert.MakeKey(AlertWindows.Model, "r", "1", "canary-credit", "candidate"), alert.Key);
        Assert.Equal(0.5, alert.Value);
        Assert.Contains("drifted share 0.5", alert.Message, StringComparison.Ordinal);
    }
}
