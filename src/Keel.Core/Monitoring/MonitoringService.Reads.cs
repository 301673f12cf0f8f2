using Keel.Core.Errors;
using Keel.Core.Paging;
using Keel.Core.Predictions;
using Keel.Core.Registry;

namespace Keel.Core.Monitoring;

// The reads: windows, the status of a model, alerts and their history.
public sealed partial class MonitoringService
{
    /// <summary>Windows of a model matching <paramref name="query"/>, oldest first.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad name, arm, time range or page.</exception>
    public Task<PagedResult<MonitorWindow>> ListWindowsAsync(MonitorWindowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var model = MonitoringNames.Model(query.Model);
        if (query.Version is { } version && !IsVersion(version))
        {
            throw KeelException.InvalidParameter($"Invalid 'version' '{MonitorSpecValidator.Shown(version)}': a model version is a positive whole number.");
        }

        var deployment = query.Deployment is null ? null : RegistryValidator.ServingName(query.Deployment, "deployment");
        if (query.Arm is not null && !DeploymentArms.IsKnown(query.Arm))
        {
            throw KeelException.InvalidParameter($"Unknown arm '{MonitorSpecValidator.Shown(query.Arm)}': use one of {string.Join(", ", DeploymentArms.All)}.");
        }

        if (query.FromMs is { } from && query.ToMs is { } to && to < from)
        {
            throw KeelException.InvalidParameter($"Invalid time range: 'to_ms' {to} is before 'from_ms' {from}.");
        }

        if (query.MaxResults is < 1 or > MonitorWindowQuery.MaxPageSize)
        {
            throw KeelException.InvalidParameter($"Invalid value {query.MaxResults} for parameter 'max_results' supplied. It must be a positive integer no greater than {MonitorWindowQuery.MaxPageSize}.");
        }

        return store.ListWindowsAsync(query with { Model = model, Deployment = deployment }, cancellationToken);
    }

    /// <summary>Where the monitoring of <paramref name="model"/> stands: its monitor, the latest window per series, the active alerts.</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when the model is not registered.</exception>
    public async Task<MonitorStatus> StatusAsync(string? model, CancellationToken cancellationToken = default)
    {
        var name = MonitoringNames.Model(model);
        await RequireModelAsync(name, cancellationToken).ConfigureAwait(false);
        var stored = await store.GetMonitorAsync(name, cancellationToken).ConfigureAwait(false);
        var monitor = stored is null ? new MonitorView(MonitorSpecValidator.Default(name), null, null, true) : MonitorView.Of(stored);
        var latest = await store.LatestWindowsAsync(name, cancellationToken).ConfigureAwait(false);
        var alerts = new List<Alert>();
        foreach (var state in new[] { AlertStates.Firing, AlertStates.Pending })
        {
            string? token = null;
            do
            {
                var page = await store.ListAlertsAsync(name, state, MonitorWindowQuery.MaxPageSize, token, cancellationToken).ConfigureAwait(false);
                alerts.AddRange(page.Items);
                token = page.NextPageToken;
            }
            while (token is not null);
        }

        return new MonitorStatus(name, monitor, latest, alerts);
    }

    /// <summary>Alerts of <paramref name="model"/> (every model when null), optionally in one state, most recently changed first.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad name, state or page.</exception>
    public Task<PagedResult<Alert>> ListAlertsAsync(string? model, string? state, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        var name = model is null ? null : MonitoringNames.Model(model);
        if (state is not (null or AlertStates.Pending or AlertStates.Firing or AlertStates.Resolved))
        {
            throw KeelException.InvalidParameter($"Unknown alert state '{MonitorSpecValidator.Shown(state)}': use pending, firing or resolved.");
        }

        return store.ListAlertsAsync(name, state, maxResults, pageToken, cancellationToken);
    }

    /// <summary>Alert history of <paramref name="model"/> (every model when null), newest first, optionally from <paramref name="fromMs"/>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad name or page.</exception>
    public Task<PagedResult<AlertEvent>> HistoryAsync(string? model, long? fromMs, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        var name = model is null ? null : MonitoringNames.Model(model);
        return store.ListAlertEventsAsync(name, fromMs, maxResults, pageToken, cancellationToken);
    }

    private static bool IsVersion(string version) =>
        version.Length is > 0 and <= 18 && version.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0 && version[0] != '0';
}
