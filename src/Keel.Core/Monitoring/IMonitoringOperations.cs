using Keel.Core.Paging;
using Keel.Core.Registry;

namespace Keel.Core.Monitoring;

/// <summary>
/// The monitoring commands and reads, as <see cref="MonitoringService"/> runs them over a local
/// store and the REST client sends them to a server, so <c>keel monitor</c> has one code path for both.
/// </summary>
public interface IMonitoringOperations
{
    /// <summary>Checks the spec, checks its model is registered, and stores it as the model's monitor.</summary>
    Task<StoredMonitor> ApplyAsync(MonitorSpec? spec, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>The stored monitor of <paramref name="model"/>; RESOURCE_DOES_NOT_EXIST when it has none.</summary>
    Task<StoredMonitor> GetAsync(string? model, CancellationToken cancellationToken = default);

    /// <summary>Stored monitors by model name.</summary>
    Task<PagedResult<StoredMonitor>> ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>Deletes the stored monitor of <paramref name="model"/>; RESOURCE_DOES_NOT_EXIST when it has none.</summary>
    Task DeleteAsync(string? model, CancellationToken cancellationToken = default);

    /// <summary>Windows of a model, oldest first.</summary>
    Task<PagedResult<MonitorWindow>> ListWindowsAsync(MonitorWindowQuery query, CancellationToken cancellationToken = default);

    /// <summary>The monitor, latest window per series and active alerts of <paramref name="model"/>.</summary>
    Task<MonitorStatus> StatusAsync(string? model, CancellationToken cancellationToken = default);

    /// <summary>Alerts, most recently changed first.</summary>
    Task<PagedResult<Alert>> ListAlertsAsync(string? model, string? state, int maxResults, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>Alert history, newest first.</summary>
    Task<PagedResult<AlertEvent>> HistoryAsync(string? model, long? fromMs, int maxResults, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>Runs the monitor of <paramref name="model"/> now.</summary>
    Task<MonitorRunResult> RunAsync(string? model, long? windowEndMs, CancellationToken cancellationToken = default);
}
