using Keel.Core.Errors;
using Keel.Core.Validation;

namespace Keel.Core.Monitoring;

/// <summary>
/// The reads of the retraining jobs alert actions start (<see cref="RetrainingQueue"/>), with the
/// checks every entry point shares (REST <c>monitoring/retraining/list|get</c>, the .NET client,
/// <c>keel monitor retraining</c>). Jobs live in the server process that runs the queue: queued,
/// running and the latest ended ones (<see cref="RetrainingQueueOptions.KeepEnded"/>).
/// </summary>
public static class RetrainingJobs
{
    /// <summary>The states a list can be filtered by.</summary>
    public static IReadOnlyList<string> States { get; } =
        [RetrainingStates.Queued, RetrainingStates.Running, RetrainingStates.Passed, RetrainingStates.GatesFailed, RetrainingStates.Failed, RetrainingStates.Cancelled];

    /// <summary>Jobs newest first, of <paramref name="model"/> and in <paramref name="state"/> when given; none without a queue.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad model name or an unknown state.</exception>
    public static IReadOnlyList<RetrainingJob> List(RetrainingQueue? queue, string? model, string? state)
    {
        var name = string.IsNullOrEmpty(model) ? null : MonitoringNames.Model(model);
        if (!string.IsNullOrEmpty(state) && !States.Contains(state, StringComparer.Ordinal))
        {
            throw KeelException.InvalidParameter($"Unknown retraining state '{MonitorSpecValidator.Shown(state)}': use one of {string.Join(", ", States)}.");
        }

        var jobs = queue?.Jobs(name) ?? [];
        return string.IsNullOrEmpty(state) ? jobs : [.. jobs.Where(j => j.State == state)];
    }

    /// <summary>One job by id.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a missing or malformed id; RESOURCE_DOES_NOT_EXIST for an id the queue does not know (or no longer keeps).</exception>
    public static RetrainingJob Get(RetrainingQueue? queue, string? id)
    {
        if (string.IsNullOrEmpty(id))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'id'.");
        }

        TextValidator.SingleLine(id, "id", 256);
        return queue?.Get(id) ?? throw KeelException.NotFound($"No retraining job '{MonitorSpecValidator.Shown(id)}' (jobs are kept by the server that runs them: queued, running and the latest ended ones).");
    }
}
