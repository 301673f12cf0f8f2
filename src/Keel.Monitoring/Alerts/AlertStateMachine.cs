using Keel.Core.Monitoring;

namespace Keel.Monitoring.Alerts;

/// <summary>One window applied to one alert: the alert to store (null: nothing to store) and whether its state changed.</summary>
/// <param name="Next">The alert after the window; null when there is nothing to store (a clear window and no alert, or an alert already resolved).</param>
/// <param name="From">The state before (null for a new alert).</param>
/// <param name="Changed">Whether the state changed (a history event is written and, for firing and resolved, notifiers are told).</param>
public sealed record AlertStep(Alert? Next, string? From, bool Changed);

/// <summary>
/// The alert state machine, one window at a time (pure: the evaluator stores what it returns).
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>No alert, or resolved: a breach counts 1 and makes the alert <c>pending</c>, or <c>firing</c>
/// at once when the rule's <c>for</c> is 1; a clear or hold window leaves it as it is.</item>
/// <item>Pending: a breach adds one; at <c>for</c> consecutive breaches it fires. A window that does
/// not breach (clear or hold) ends the run: the alert is <c>resolved</c> without ever firing.</item>
/// <item>Firing: a breach keeps it firing (one alert per key: no new notification); a clear window
/// adds one clear, and <c>clear_for</c> consecutive clears resolve it; a hold window (between the
/// threshold and the clear threshold: hysteresis) keeps it firing and restarts the clear count.</item>
/// </list>
/// Times are the window's end, the moment the condition was observed, so a replayed stream gives
/// the same history as a live one.
/// </remarks>
public static class AlertStateMachine
{
    /// <summary>Applies <paramref name="window"/>'s <paramref name="reading"/> of <paramref name="rule"/> to <paramref name="current"/> (null: no alert yet).</summary>
    public static AlertStep Step(Alert? current, string model, AlertRule rule, MonitorWindow window, AlertReading reading)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(reading);
        var at = window.EndMs;
        var state = current?.State;
        var breach = reading.Verdict == AlertVerdict.Breach;
        if (state == AlertStates.Firing)
        {
            var clears = reading.Verdict == AlertVerdict.Clear ? current!.Clears + 1 : 0;
            var resolves = clears >= (rule.ClearFor ?? 1);
            var next = current! with
            {
                State = resolves ? AlertStates.Resolved : AlertStates.Firing,
                Breaches = breach ? current.Breaches + 1 : 0,
                Clears = clears,
                Value = reading.Value,
                Message = reading.Message,
                SinceMs = resolves ? at : current.SinceMs,
                LastWindowEndMs = at,
            };
            return new AlertStep(next, state, resolves);
        }

        if (!breach)
        {
            if (state != AlertStates.Pending)
            {
                return new AlertStep(null, state, Changed: false);
            }

            return new AlertStep(
                current! with { State = AlertStates.Resolved, Breaches = 0, Clears = reading.Verdict == AlertVerdict.Clear ? 1 : 0, Value = reading.Value, Message = reading.Message, SinceMs = at, LastWindowEndMs = at },
                state,
                Changed: true);
        }

        var breaches = state == AlertStates.Pending ? current!.Breaches + 1 : 1;
        var fires = breaches >= (rule.For ?? 1);
        var nextState = fires ? AlertStates.Firing : AlertStates.Pending;
        var alert = current ?? new Alert
        {
            Key = Alert.MakeKey(model, rule.Name!, window.Version, window.Deployment, window.Arm),
            Model = model,
            Rule = rule.Name!,
            Kind = rule.Kind!,
            Severity = rule.Severity ?? "warning",
            Version = window.Version,
            Deployment = window.Deployment,
            Arm = window.Arm,
            State = nextState,
        };
        return new AlertStep(
            alert with
            {
                // The rule may have been edited since the alert was created.
                Kind = rule.Kind!,
                Severity = rule.Severity ?? "warning",
                State = nextState,
                Breaches = breaches,
                Clears = 0,
                Value = reading.Value,
                Message = reading.Message,
                SinceMs = nextState == state ? alert.SinceMs : at,
                FiredAtMs = fires ? alert.FiredAtMs ?? at : alert.FiredAtMs,
                LastWindowEndMs = at,
            },
            state,
            Changed: nextState != state);
    }
}
