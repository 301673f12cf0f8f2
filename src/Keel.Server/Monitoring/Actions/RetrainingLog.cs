using Keel.Core.Monitoring;

namespace Keel.Server.Monitoring.Actions;

/// <summary>Writes what retraining jobs do to the server log.</summary>
internal sealed class RetrainingLog(ILogger logger) : IRetrainingObserver
{
    public void Changed(RetrainingJob job)
    {
        switch (job.State)
        {
            case RetrainingStates.Queued:
                ActionsLog.RetrainingQueued(logger, job.Model, job.Id, job.Pipeline, job.Alert);
                break;
            case RetrainingStates.Running:
                ActionsLog.RetrainingStarted(logger, job.Model, job.Id);
                break;
            case RetrainingStates.Passed:
                ActionsLog.RetrainingPassed(logger, job.Model, job.Id, job.RunId, job.Version, job.Canary ?? "no canary deployment named");
                break;
            default:
                ActionsLog.RetrainingEnded(logger, job.Model, job.Id, job.State, job.RunId, job.Message);
                break;
        }
    }

    public void Coalesced(RetrainingJob job) => ActionsLog.RetrainingCoalesced(logger, job.Model, job.Id, job.State, job.Triggers);

    public void Progress(RetrainingJob job, string text) => ActionsLog.RetrainingProgress(logger, job.Model, job.Id, text);
}
