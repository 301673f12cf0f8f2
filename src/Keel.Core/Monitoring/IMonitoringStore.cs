using Keel.Core.Paging;

namespace Keel.Core.Monitoring;

/// <summary>
/// Where monitoring keeps its specs, its results as time series and its alerts with their history.
/// Behind an interface from the first day (abstract compliance suite in the tests), so another
/// database adds a backend rather than a rewrite.
/// </summary>
public interface IMonitoringStore
{
    /// <summary>Stores (creates or replaces) the monitor of <see cref="MonitorSpec.Model"/>; the spec must be normalised.</summary>
    Task<StoredMonitor> PutMonitorAsync(MonitorSpec spec, string user, CancellationToken cancellationToken = default);

    /// <summary>The stored monitor of <paramref name="model"/>, or null when it has none.</summary>
    Task<StoredMonitor?> GetMonitorAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>Stored monitors by model name.</summary>
    Task<PagedResult<StoredMonitor>> ListMonitorsAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>Deletes the monitor of <paramref name="model"/> (its windows and alerts stay); false when it had none.</summary>
    Task<bool> DeleteMonitorAsync(string model, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores windows in one transaction. A window with the same model, version, deployment, arm,
    /// start and end as a stored one replaces it (recomputing a window is idempotent).
    /// </summary>
    /// <returns>The windows with their ids.</returns>
    Task<IReadOnlyList<MonitorWindow>> PutWindowsAsync(IReadOnlyList<MonitorWindow> windows, CancellationToken cancellationToken = default);

    /// <summary>Windows matching <paramref name="query"/>, oldest first by end.</summary>
    Task<PagedResult<MonitorWindow>> ListWindowsAsync(MonitorWindowQuery query, CancellationToken cancellationToken = default);

    /// <summary>The latest window of every series (version, deployment, arm) of <paramref name="model"/>, or of every model when null.</summary>
    Task<IReadOnlyList<MonitorWindow>> LatestWindowsAsync(string? model, CancellationToken cancellationToken = default);

    /// <summary>Deletes windows that ended before <paramref name="beforeMs"/>; returns how many.</summary>
    Task<long> DeleteWindowsBeforeAsync(long beforeMs, CancellationToken cancellationToken = default);

    /// <summary>The alert with <paramref name="key"/> (<see cref="Alert.MakeKey"/>), or null.</summary>
    Task<Alert?> GetAlertAsync(string key, CancellationToken cancellationToken = default);

    /// <summary>Alerts of <paramref name="model"/> (every model when null), optionally only in <paramref name="state"/>, most recently changed first.</summary>
    Task<PagedResult<Alert>> ListAlertsAsync(string? model, string? state, int maxResults, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes <paramref name="next"/> (revision <paramref name="expectedRevision"/> + 1; 0 creates it)
    /// and, when not null, <paramref name="change"/> to its history, in one transaction; null, with
    /// nothing written, when the stored revision is no longer <paramref name="expectedRevision"/>.
    /// </summary>
    Task<Alert?> TryPutAlertAsync(Alert next, long expectedRevision, AlertEvent? change, CancellationToken cancellationToken = default);

    /// <summary>Alert history of <paramref name="model"/> (every model when null), newest first, optionally from <paramref name="fromMs"/>.</summary>
    Task<PagedResult<AlertEvent>> ListAlertEventsAsync(string? model, long? fromMs, int maxResults, string? pageToken, CancellationToken cancellationToken = default);
}

/// <summary>A monitor as stored.</summary>
/// <param name="Spec">The normalised spec.</param>
/// <param name="UpdatedAtMs">When it was last put, Unix ms.</param>
/// <param name="UpdatedBy">Who put it.</param>
public sealed record StoredMonitor(MonitorSpec Spec, long UpdatedAtMs, string UpdatedBy);

/// <summary>Which windows to list.</summary>
/// <param name="Model">The registered model.</param>
/// <param name="Version">Only this version; null: every version.</param>
/// <param name="Deployment">Only this deployment; null: every window (with or without one).</param>
/// <param name="Arm">Only this arm; null: every arm.</param>
/// <param name="FromMs">Windows that end after this, Unix ms; null: from the first.</param>
/// <param name="ToMs">Windows that end at or before this, Unix ms; null: to the last.</param>
/// <param name="MaxResults">Page size, 1 to <see cref="MaxPageSize"/>.</param>
/// <param name="PageToken">The previous page's token.</param>
public sealed record MonitorWindowQuery(
    string Model, string? Version = null, string? Deployment = null, string? Arm = null, long? FromMs = null, long? ToMs = null, int MaxResults = 1000, string? PageToken = null)
{
    /// <summary>The largest page.</summary>
    public const int MaxPageSize = 10_000;
}
