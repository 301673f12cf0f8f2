using Keel.Core.Monitoring;

namespace Keel.Server.Monitoring.Actions;

/// <summary>Writes every action's outcome to the server log, then returns it.</summary>
internal sealed class LoggedAlertActionRunner(AlertActionRunner inner, ILogger logger) : IAlertActionRunner
{
    public async Task<AlertActionOutcome> RunAsync(Alert alert, AlertAction action, CancellationToken cancellationToken = default)
    {
        var outcome = await inner.RunAsync(alert, action, cancellationToken).ConfigureAwait(false);
        if (outcome.Succeeded)
        {
            ActionsLog.ActionRan(logger, outcome.Kind, alert.Model, alert.Rule, outcome.Message);
        }
        else
        {
            ActionsLog.ActionFailed(logger, outcome.Kind, alert.Model, alert.Rule, outcome.Message);
        }

        return outcome;
    }
}
