using Keel.Core.Monitoring;

namespace Keel.Monitoring.Alerts;

// What a stored change does: actions on firing, the log and the notifiers.
public sealed partial class AlertEvaluator
{
    /// <summary>The message an action gets when no runner is registered.</summary>
    internal const string NoRunner = "Not run: no alert action runner is registered.";

    /// <summary>Outcomes for a move to firing whose rule has actions but no runner to run them (null otherwise).</summary>
    private IReadOnlyList<AlertActionOutcome>? NotRun(AlertStep step, Alert next, AlertRule rule) =>
        _actions is null && step.Changed && next.State == AlertStates.Firing && rule.Actions is { Count: > 0 } actions
            ? [.. actions.Select(a => new AlertActionOutcome(a.Kind ?? "", false, NoRunner, null))]
            : null;

    private async Task<IReadOnlyList<AlertActionOutcome>> RunActionsAsync(Alert alert, AlertRule rule, CancellationToken cancellationToken)
    {
        var outcomes = new List<AlertActionOutcome>();
        foreach (var action in rule.Actions ?? [])
        {
            var kind = action.Kind ?? "";
            AlertActionOutcome outcome;
            try
            {
                outcome = await _actions!.RunAsync(alert, action, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // An action's failure is its outcome, recorded in the history; it must not stop the pass.
            catch (Exception e)
#pragma warning restore CA1031
            {
                AlertLog.ActionThrew(_logger, kind, alert.Model, alert.Rule, e);
                outcome = new AlertActionOutcome(kind, false, $"The action failed: {e.Message}", null);
            }

            AlertLog.ActionRan(_logger, kind, alert.Model, alert.Rule, outcome.Succeeded ? "succeeded" : "failed", outcome.Message);
            outcomes.Add(outcome);
        }

        return outcomes;
    }

    /// <summary>Logs the change and, for firing and resolved, tells the notifiers (which queue; they never block the pass).</summary>
    private void Announce(MonitorSpec spec, Alert alert, AlertEvent change, MonitorWindow window, AlertRule rule)
    {
        switch (change.To)
        {
            case AlertStates.Firing:
                AlertLog.Firing(_logger, alert.Model, alert.Rule, alert.Kind, alert.Severity, alert.Version, alert.Deployment, alert.Arm, alert.Message);
                break;
            case AlertStates.Resolved:
                AlertLog.Resolved(_logger, alert.Model, alert.Rule, alert.Version, alert.Deployment, alert.Arm, change.From, alert.Message);
                break;
            default:
                AlertLog.Pending(_logger, alert.Model, alert.Rule, alert.Version, alert.Deployment, alert.Arm, alert.Breaches, rule.For ?? 1, alert.Message);
                break;
        }

        if (!ShouldNotify(change))
        {
            return;
        }

        var notification = new AlertNotification(spec, alert, change, window);
        foreach (var notifier in _notifiers)
        {
            try
            {
                notifier.Notify(notification);
            }
#pragma warning disable CA1031 // A notifier must never break the monitoring pass.
            catch (Exception e)
#pragma warning restore CA1031
            {
                AlertLog.NotifierThrew(_logger, notifier.GetType().Name, alert.Model, alert.Rule, e);
            }
        }
    }

    /// <summary>
    /// Notifiers hear of every move to firing and of every firing alert resolving. A pending alert
    /// that clears before firing resolves in the history and the log only: nobody was told it fired.
    /// </summary>
    internal static bool ShouldNotify(AlertEvent change) =>
        change.To == AlertStates.Firing || (change.To == AlertStates.Resolved && change.From == AlertStates.Firing);
}
