using Keel.Core.Monitoring;

namespace Keel.Monitoring.Summaries;

/// <summary>What a summary is built from: a model's stored windows in the period, its active alerts and its recent alert history.</summary>
/// <param name="Windows">Windows that ended in the period, oldest first.</param>
/// <param name="Truncated">Whether more windows ended in the period than were read.</param>
/// <param name="AnyWindow">Whether the model has any stored window at all.</param>
/// <param name="Active">Alerts pending or firing.</param>
/// <param name="Events">Alert history in the period, newest first.</param>
/// <param name="EventsTruncated">Whether the period had more events than were read.</param>
public sealed record MonitoringData(IReadOnlyList<MonitorWindow> Windows, bool Truncated, bool AnyWindow, IReadOnlyList<Alert> Active, IReadOnlyList<AlertEvent> Events, bool EventsTruncated);

/// <summary>
/// Builds the specification's monitoring summary of one model from an <see cref="IMonitoringStore"/>:
/// the REST API (<c>GET /api/2.0/keel/monitoring/summary</c>), <c>keel monitor summary</c> on a local
/// store and the HTML report all call it.
/// </summary>
public static partial class MonitoringSummaryBuilder
{
    /// <summary>Most windows read for one summary (the oldest of the period first).</summary>
    public const int MaxWindows = 20_000;

    /// <summary>Most alert events listed.</summary>
    public const int MaxEvents = 200;

    /// <summary>Most active alerts listed per state.</summary>
    public const int MaxActiveAlerts = 1_000;

    /// <summary>Reads what <paramref name="query"/> covers, for a period ending at <paramref name="nowMs"/>.</summary>
    public static async Task<MonitoringData> LoadAsync(IMonitoringStore store, MonitoringSummaryQuery query, long nowMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(query);
        long from = query.FromMs(nowMs);
        var windows = new List<MonitorWindow>();
        string? token = null;
        bool truncated = false;
        do
        {
            int page = Math.Min(MonitorWindowQuery.MaxPageSize, MaxWindows - windows.Count + 1);
            var result = await store.ListWindowsAsync(new MonitorWindowQuery(query.Model, FromMs: from, ToMs: nowMs, MaxResults: page, PageToken: token), cancellationToken).ConfigureAwait(false);
            windows.AddRange(result.Items);
            token = result.NextPageToken;
            if (windows.Count > MaxWindows)
            {
                windows.RemoveRange(MaxWindows, windows.Count - MaxWindows);
                truncated = true;
                break;
            }
        }
        while (token is not null);

        bool any = windows.Count > 0
            || (await store.ListWindowsAsync(new MonitorWindowQuery(query.Model, MaxResults: 1), cancellationToken).ConfigureAwait(false)).Items.Count > 0;
        var active = new List<Alert>();
        foreach (var state in new[] { AlertStates.Firing, AlertStates.Pending })
        {
            active.AddRange((await store.ListAlertsAsync(query.Model, state, MaxActiveAlerts, null, cancellationToken).ConfigureAwait(false)).Items);
        }

        var events = await store.ListAlertEventsAsync(query.Model, from, MaxEvents, null, cancellationToken).ConfigureAwait(false);
        return new MonitoringData(windows, truncated, any, active, events.Items, events.NextPageToken is not null);
    }

    /// <summary>Loads and builds the summary of <paramref name="query"/> for a period ending at <paramref name="nowMs"/>.</summary>
    public static async Task<ModelMonitoringSummary> BuildAsync(IMonitoringStore store, MonitoringSummaryQuery query, long nowMs, CancellationToken cancellationToken = default) =>
        Build(query, nowMs, await LoadAsync(store, query, nowMs, cancellationToken).ConfigureAwait(false));

    /// <summary>Builds the summary from loaded data.</summary>
    public static ModelMonitoringSummary Build(MonitoringSummaryQuery query, long nowMs, MonitoringData data)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(data);
        var windows = data.Windows.OrderBy(w => w.EndMs).ThenBy(w => w.StartMs).ToList();
        string status = windows.Count > 0 ? SummaryStatuses.Ok : data.AnyWindow ? SummaryStatuses.NoDataInTimeWindow : SummaryStatuses.NoMonitoringData;
        long requests = windows.Sum(w => w.Requests);
        var series = windows
            .GroupBy(w => (w.Version, w.Deployment, w.Arm))
            .Select(g => new SummarySeries(g.Key.Version, g.Key.Deployment, g.Key.Arm, g.Count(), g.Sum(w => w.Requests)))
            .OrderBy(s => s.Version, StringComparer.Ordinal).ThenBy(s => s.Deployment ?? "", StringComparer.Ordinal).ThenBy(s => s.Arm ?? "", StringComparer.Ordinal)
            .ToList();
        var alerts = new AlertSummary(
            data.Active.OrderByDescending(a => a.SinceMs).ToList(),
            data.Events.Count(e => e.To == AlertStates.Firing),
            data.Events.OrderByDescending(e => e.AtMs).Select(e => new SummaryAlertEvent(e.AtMs, e.Rule, e.From, e.To, e.Value, e.Message)).ToList(),
            data.EventsTruncated);
        return new ModelMonitoringSummary(
            query.Model, query.Days, query.FromMs(nowMs), nowMs, status,
            windows.Count > 0 ? windows.Min(w => w.StartMs) : null, windows.Count > 0 ? windows[^1].EndMs : null,
            windows.Count, requests, windows.Count > 0 ? requests / (double)windows.Count : 0, data.Truncated,
            series, windows.Select(Point).ToList(), Drift(windows), Performance(windows), alerts);
    }

    private static SummaryWindow Point(MonitorWindow w) => new(
        w.StartMs, w.EndMs, w.Version, w.Deployment, w.Arm, w.Requests, w.Errors, w.InputRows, w.DriftedShare, w.DatasetDrift,
        w.Features.Where(f => f.Drifted).Select(f => f.Feature).ToList(), w.Quality?.Passed,
        w.Performance?.Metric, w.Performance?.Value, w.Performance?.LabelledRows ?? 0, w.Performance?.Estimated, w.Performance?.EstimatedRows ?? 0);
}
