using Keel.Client.Http;
using Keel.Core.Monitoring;

namespace Keel.Client;

// The retraining jobs alert actions start, under /api/2.0/keel/monitoring/retraining (reads only, retried).
public sealed partial class KeelClient
{
    /// <summary>The server's retraining jobs, newest first: queued, running and the latest ended ones; of <paramref name="model"/> and in <paramref name="state"/> when given.</summary>
    /// <exception cref="Core.Errors.KeelException">INVALID_PARAMETER_VALUE for a bad model name or an unknown state.</exception>
    public async Task<IReadOnlyList<RetrainingJob>> ListRetrainingJobsAsync(string? model = null, string? state = null, CancellationToken cancellationToken = default) =>
        (await GetMonitoringJsonAsync<RetrainingJobsAnswer>("retraining/list", QueryString.Of("model", model).Add("state", state), cancellationToken).ConfigureAwait(false)).Jobs ?? [];

    /// <summary>One retraining job: its state, the alert that started it, the pipeline, run id, version and gate verdict.</summary>
    /// <exception cref="Core.Errors.KeelException">RESOURCE_DOES_NOT_EXIST for an id the server does not know (or no longer keeps).</exception>
    public async Task<RetrainingJob> GetRetrainingJobAsync(string id, CancellationToken cancellationToken = default) =>
        (await GetMonitoringJsonAsync<RetrainingJobAnswer>("retraining/get", QueryString.Of("id", id), cancellationToken).ConfigureAwait(false)).Job!;

    private sealed record RetrainingJobsAnswer(IReadOnlyList<RetrainingJob>? Jobs);

    private sealed record RetrainingJobAnswer(RetrainingJob? Job);
}
