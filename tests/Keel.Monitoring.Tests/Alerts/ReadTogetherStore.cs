using Keel.Core.Monitoring;
using Keel.Core.Paging;

namespace Keel.Monitoring.Tests.Alerts;

/// <summary>
/// The real store, except that the first alert read of each evaluator waits until every evaluator
/// has read: all of them then decide on the same revision, so their writes are sure to conflict.
/// </summary>
internal sealed class ReadTogetherStore(IMonitoringStore inner, ReadTogetherStore.Gate gate) : IMonitoringStore
{
    private int _reads;

    public async Task<Alert?> GetAlertAsync(string key, CancellationToken cancellationToken = default)
    {
        var alert = await inner.GetAlertAsync(key, cancellationToken);
        if (Interlocked.Increment(ref _reads) == 1)
        {
            await gate.ArriveAsync(cancellationToken);
        }

        return alert;
    }

    public Task<Alert?> TryPutAlertAsync(Alert next, long expectedRevision, AlertEvent? change, CancellationToken cancellationToken = default) => inner.TryPutAlertAsync(next, expectedRevision, change, cancellationToken);

    public Task<StoredMonitor> PutMonitorAsync(MonitorSpec spec, string user, CancellationToken cancellationToken = default) => inner.PutMonitorAsync(spec, user, cancellationToken);

    public Task<StoredMonitor?> GetMonitorAsync(string model, CancellationToken cancellationToken = default) => inner.GetMonitorAsync(model, cancellationToken);

    public Task<PagedResult<StoredMonitor>> ListMonitorsAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default) => inner.ListMonitorsAsync(maxResults, pageToken, cancellationToken);

    public Task<bool> DeleteMonitorAsync(string model, CancellationToken cancellationToken = default) => inner.DeleteMonitorAsync(model, cancellationToken);

    public Task<IReadOnlyList<MonitorWindow>> PutWindowsAsync(IReadOnlyList<MonitorWindow> windows, CancellationToken cancellationToken = default) => inner.PutWindowsAsync(windows, cancellationToken);

    public Task<PagedResult<MonitorWindow>> ListWindowsAsync(MonitorWindowQuery query, CancellationToken cancellationToken = default) => inner.ListWindowsAsync(query, cancellationToken);

    public Task<IReadOnlyList<MonitorWindow>> LatestWindowsAsync(string? model, CancellationToken cancellationToken = default) => inner.LatestWindowsAsync(model, cancellationToken);

    public Task<long> DeleteWindowsBeforeAsync(long beforeMs, CancellationToken cancellationToken = default) => inner.DeleteWindowsBeforeAsync(beforeMs, cancellationToken);

    public Task<PagedResult<Alert>> ListAlertsAsync(string? model, string? state, int maxResults, string? pageToken, CancellationToken cancellationToken = default) => inner.ListAlertsAsync(model, state, maxResults, pageToken, cancellationToken);

    public Task<PagedResult<AlertEvent>> ListAlertEventsAsync(string? model, long? fromMs, int maxResults, string? pageToken, CancellationToken cancellationToken = default) => inner.ListAlertEventsAsync(model, fromMs, maxResults, pageToken, cancellationToken);

    /// <summary>Opens when <c>parties</c> readers have arrived.</summary>
    internal sealed class Gate(int parties)
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _arrived;

        public Task ArriveAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _arrived) == parties)
            {
                _open.TrySetResult();
            }

            return _open.Task.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
    }
}
