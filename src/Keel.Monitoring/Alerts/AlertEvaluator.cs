using Keel.Core.Monitoring;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Keel.Monitoring.Alerts;

/// <summary>
/// Evaluates a monitor's alert rules on newly stored windows (<see cref="IAlertEvaluator"/>): for
/// each rule and each series (version, deployment, arm) among the windows, oldest window first, it
/// reads the rule's value (<see cref="AlertRuleReadings"/>), steps the stored alert
/// (<see cref="AlertStateMachine"/>) and writes it with its history event through
/// <see cref="IMonitoringStore.TryPutAlertAsync"/>, notifies changes to firing and resolved, and
/// runs the rule's actions when the alert fires.
/// </summary>
/// <remarks>
/// Safe to run concurrently (two replicas, or the scheduler and <c>POST run</c>): every write checks
/// the alert's revision; on a conflict the alert is read again and a window it has already counted
/// (its end at or before <see cref="Alert.LastWindowEndMs"/>) is skipped, so each window counts once
/// and each transition (with its notification and actions) happens once. When the rule has actions,
/// the move to firing is written first (claiming the transition), then the actions run, then the
/// firing event is written with their outcomes in its evidence.
/// </remarks>
public sealed partial class AlertEvaluator : IAlertEvaluator
{
    /// <summary>Conflicting writes on one alert before a window is given up.</summary>
    public const int MaxConflicts = 16;

    private readonly IMonitoringStore _store;
    private readonly IAlertActionRunner? _actions;
    private readonly IReadOnlyList<IAlertNotifier> _notifiers;
    private readonly ILogger _logger;

    /// <summary>Creates an evaluator over <paramref name="store"/>.</summary>
    /// <param name="store">Where alerts and their history are kept.</param>
    /// <param name="notifiers">Told about every change to firing and resolved (none: the log only).</param>
    /// <param name="actions">Runs the rules' actions; null: actions are recorded as not run.</param>
    /// <param name="logger">The log notifier; null: none.</param>
    public AlertEvaluator(IMonitoringStore store, IEnumerable<IAlertNotifier>? notifiers = null, IAlertActionRunner? actions = null, ILogger<AlertEvaluator>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        _store = store;
        _notifiers = notifiers?.ToArray() ?? [];
        _actions = actions;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
    }

    /// <inheritdoc />
    public async Task<IReadOnlyList<AlertEvent>> EvaluateAsync(MonitorSpec spec, IReadOnlyList<MonitorWindow> windows, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(spec);
        ArgumentNullException.ThrowIfNull(windows);
        var model = spec.Model ?? throw new ArgumentException("The spec must be normalised (it has no model).", nameof(spec));
        var changes = new List<AlertEvent>();
        var rules = spec.Rules ?? [];
        if (rules.Count == 0 || windows.Count == 0)
        {
            return changes;
        }

        var series = windows
            .Where(w => string.Equals(w.Model, model, StringComparison.Ordinal))
            .GroupBy(w => (w.Version, w.Deployment, w.Arm))
            .Select(g => g.OrderBy(w => w.EndMs).ToArray())
            .ToArray();
        foreach (var rule in rules)
        {
            foreach (var run in series)
            {
                if (rule.Deployment is not null && !string.Equals(run[0].Deployment, rule.Deployment, StringComparison.Ordinal))
                {
                    continue;
                }

                await EvaluateSeriesAsync(spec, model, rule, run, changes, cancellationToken).ConfigureAwait(false);
            }
        }

        return changes;
    }

    private async Task EvaluateSeriesAsync(MonitorSpec spec, string model, AlertRule rule, MonitorWindow[] run, List<AlertEvent> changes, CancellationToken cancellationToken)
    {
        var first = run[0];
        var key = Alert.MakeKey(model, rule.Name!, first.Version, first.Deployment, first.Arm);
        var current = await _store.GetAlertAsync(key, cancellationToken).ConfigureAwait(false);
        foreach (var window in run)
        {
            var reading = AlertRuleReadings.Read(rule, window);
            if (reading is null)
            {
                continue;
            }

            current = await ApplyAsync(spec, model, rule, key, current, window, reading, changes, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<Alert?> ApplyAsync(MonitorSpec spec, string model, AlertRule rule, string key, Alert? current, MonitorWindow window, AlertReading reading, List<AlertEvent> changes, CancellationToken cancellationToken)
    {
        for (var attempt = 1; attempt <= MaxConflicts; attempt++)
        {
            if (current is not null && window.EndMs <= current.LastWindowEndMs)
            {
                return current;
            }

            var step = AlertStateMachine.Step(current, model, rule, window, reading);
            if (step.Next is not { } next)
            {
                return current;
            }

            var expected = current?.Revision ?? 0;
            var claimFirst = step.Changed && next.State == AlertStates.Firing && _actions is not null && rule.Actions is { Count: > 0 };
            var change = step.Changed && !claimFirst ? Event(current, next, step.From, rule, window, reading, NotRun(step, next, rule)) : null;
            var stored = await _store.TryPutAlertAsync(next, expected, change, cancellationToken).ConfigureAwait(false);
            if (stored is null)
            {
                current = await _store.GetAlertAsync(key, cancellationToken).ConfigureAwait(false);
                continue;
            }

            if (claimFirst)
            {
                var outcomes = await RunActionsAsync(stored, rule, cancellationToken).ConfigureAwait(false);
                (stored, change) = await WriteEventAsync(stored, Event(stored, stored, step.From, rule, window, reading, outcomes), cancellationToken).ConfigureAwait(false);
            }

            if (change is not null)
            {
                change = change with { AlertId = stored.Id };
                changes.Add(change);
                Announce(spec, stored, change, window, rule);
            }

            return stored;
        }

        AlertLog.Contended(_logger, key, model, MaxConflicts);
        return await _store.GetAlertAsync(key, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Appends the firing event after the actions ran, keeping the alert as stored (re-read on a conflict).</summary>
    private async Task<(Alert Stored, AlertEvent Change)> WriteEventAsync(Alert claimed, AlertEvent change, CancellationToken cancellationToken)
    {
        var current = claimed;
        for (var attempt = 1; attempt <= MaxConflicts; attempt++)
        {
            var stored = await _store.TryPutAlertAsync(current, current.Revision, change with { AlertId = current.Id }, cancellationToken).ConfigureAwait(false);
            if (stored is not null)
            {
                return (stored, change);
            }

            current = await _store.GetAlertAsync(claimed.Key, cancellationToken).ConfigureAwait(false) ?? claimed;
        }

        AlertLog.Contended(_logger, claimed.Key, claimed.Model, MaxConflicts);
        return (current, change);
    }

    private static AlertEvent Event(Alert? current, Alert next, string? from, AlertRule rule, MonitorWindow window, AlertReading reading, IReadOnlyList<AlertActionOutcome>? outcomes) =>
        new(0, current?.Id ?? 0, next.Model, next.Rule, from, next.State, window.EndMs, reading.Value, next.Message,
            AlertEvidence.ToJson(AlertEvidence.Build(rule, window, reading, next, outcomes)));
}
