using Keel.Client.Http;
using Keel.Core.Monitoring;
using Keel.Core.Paging;
using Keel.Core.Registry;

namespace Keel.Client;

// Monitoring under /api/2.0/keel/monitoring. Reads and apply (the same spec twice stores the same
// monitor) are retried after a lost answer; delete and run are not (a repeated delete would answer
// RESOURCE_DOES_NOT_EXIST and hide that the first went through; a run is sent once).
public sealed partial class KeelClient : IMonitoringOperations
{
    private const string MonitoringApi = "api/2.0/keel/monitoring/";

    /// <summary>Stores <paramref name="spec"/> as its model's monitor (the server checks it and that the model is registered).</summary>
    public async Task<StoredMonitor> ApplyMonitorAsync(MonitorSpec spec, Actor actor, CancellationToken cancellationToken = default) =>
        (await PostMonitoringAsync<MonitorAnswer>("monitors/apply", spec, actor, replayable: true, cancellationToken).ConfigureAwait(false)).Monitor!;

    /// <summary>The stored monitor of <paramref name="model"/>.</summary>
    public async Task<StoredMonitor> GetMonitorAsync(string model, CancellationToken cancellationToken = default) =>
        (await GetMonitoringJsonAsync<MonitorAnswer>("monitors/get", QueryString.Of("model", model), cancellationToken).ConfigureAwait(false)).Monitor!;

    /// <summary>One page of stored monitors, by model name.</summary>
    public async Task<PagedResult<StoredMonitor>> ListMonitorsAsync(int maxResults = MonitoringService.DefaultPageSize, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var answer = await GetMonitoringJsonAsync<MonitorsAnswer>("monitors/list", QueryString.Of("page_token", pageToken).Add("max_results", maxResults), cancellationToken).ConfigureAwait(false);
        return new PagedResult<StoredMonitor>(answer.Monitors ?? [], EmptyToNull(answer.NextPageToken));
    }

    /// <summary>Deletes the stored monitor of <paramref name="model"/> (its windows and alerts stay). Not retried after a lost answer.</summary>
    public async Task DeleteMonitorAsync(string model, CancellationToken cancellationToken = default) =>
        await PostMonitoringAsync<MonitorAnswer>("monitors/delete", new ModelBody(model), new Actor(Options.User), replayable: false, cancellationToken).ConfigureAwait(false);

    /// <summary>One page of a model's windows, oldest first.</summary>
    public async Task<PagedResult<MonitorWindow>> ListMonitorWindowsAsync(MonitorWindowQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var q = QueryString.Of("model", query.Model).Add("version", query.Version).Add("deployment", query.Deployment).Add("arm", query.Arm)
            .Add("from_ms", query.FromMs).Add("to_ms", query.ToMs).Add("max_results", query.MaxResults).Add("page_token", query.PageToken);
        var answer = await GetMonitoringJsonAsync<WindowsAnswer>("windows/list", q, cancellationToken).ConfigureAwait(false);
        return new PagedResult<MonitorWindow>(answer.Windows ?? [], EmptyToNull(answer.NextPageToken));
    }

    /// <summary>The monitor, latest window per series and active alerts of <paramref name="model"/>.</summary>
    public Task<MonitorStatus> GetMonitoringStatusAsync(string model, CancellationToken cancellationToken = default) =>
        GetMonitoringJsonAsync<MonitorStatus>("status", QueryString.Of("model", model), cancellationToken);

    /// <summary>One page of alerts (of <paramref name="model"/>, or of every model), optionally in one state, most recently changed first.</summary>
    public async Task<PagedResult<Alert>> ListMonitoringAlertsAsync(string? model = null, string? state = null, int maxResults = MonitoringService.DefaultPageSize, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var answer = await GetMonitoringJsonAsync<AlertsAnswer>("alerts/list", QueryString.Of("model", model).Add("state", state).Add("max_results", maxResults).Add("page_token", pageToken), cancellationToken).ConfigureAwait(false);
        return new PagedResult<Alert>(answer.Alerts ?? [], EmptyToNull(answer.NextPageToken));
    }

    /// <summary>One page of alert history (of <paramref name="model"/>, or of every model), newest first, optionally from <paramref name="fromMs"/>.</summary>
    public async Task<PagedResult<AlertEvent>> GetAlertHistoryAsync(string? model = null, long? fromMs = null, int maxResults = MonitoringService.DefaultPageSize, string? pageToken = null, CancellationToken cancellationToken = default)
    {
        var answer = await GetMonitoringJsonAsync<EventsAnswer>("alerts/history", QueryString.Of("model", model).Add("from_ms", fromMs).Add("max_results", maxResults).Add("page_token", pageToken), cancellationToken).ConfigureAwait(false);
        return new PagedResult<AlertEvent>([.. (answer.Events ?? []).Select(e => e.ToEvent())], EmptyToNull(answer.NextPageToken));
    }

    /// <summary>Runs the monitor of <paramref name="model"/> now on the server, its windows ending at <paramref name="windowEndMs"/> (null: now). Not retried after a lost answer.</summary>
    public async Task<MonitorRunResult> RunMonitorAsync(string model, long? windowEndMs = null, CancellationToken cancellationToken = default)
    {
        var answer = await PostMonitoringAsync<RunAnswer>("run", new RunBody(model, windowEndMs), new Actor(Options.User), replayable: false, cancellationToken).ConfigureAwait(false);
        return new MonitorRunResult(answer.Windows ?? [], [.. (answer.AlertChanges ?? []).Select(e => e.ToEvent())]);
    }

    private Task<T> GetMonitoringJsonAsync<T>(string verb, QueryString query, CancellationToken cancellationToken) =>
        GetKeelJsonAsync<T>(MonitoringApi + verb, query, cancellationToken);

    private Task<T> PostMonitoringAsync<T>(string verb, object body, Actor actor, bool replayable, CancellationToken cancellationToken) =>
        PostKeelJsonAsync<T>(MonitoringApi + verb, body, actor, replayable, cancellationToken);

    private sealed record ModelBody(string Model);

    private sealed record RunBody(string Model, long? WindowEndMs);

    private sealed record MonitorAnswer(StoredMonitor? Monitor);

    private sealed record MonitorsAnswer(IReadOnlyList<StoredMonitor>? Monitors, string? NextPageToken);

    private sealed record WindowsAnswer(IReadOnlyList<MonitorWindow>? Windows, string? NextPageToken);

    private sealed record AlertsAnswer(IReadOnlyList<Alert>? Alerts, string? NextPageToken);

    private sealed record EventsAnswer(IReadOnlyList<AlertEventView>? Events, string? NextPageToken);

    private sealed record RunAnswer(IReadOnlyList<MonitorWindow>? Windows, IReadOnlyList<AlertEventView>? AlertChanges);

    // IMonitoringOperations: the same calls under the interface's names, so keel monitor takes a client or a local MonitoringService alike.
    Task<StoredMonitor> IMonitoringOperations.ApplyAsync(MonitorSpec? spec, Actor actor, CancellationToken cancellationToken) =>
        ApplyMonitorAsync(spec ?? throw Core.Errors.KeelException.InvalidParameter("Missing value for required parameter 'spec'."), actor, cancellationToken);

    Task<StoredMonitor> IMonitoringOperations.GetAsync(string? model, CancellationToken cancellationToken) => GetMonitorAsync(model ?? "", cancellationToken);

    Task<PagedResult<StoredMonitor>> IMonitoringOperations.ListAsync(int maxResults, string? pageToken, CancellationToken cancellationToken) => ListMonitorsAsync(maxResults, pageToken, cancellationToken);

    Task IMonitoringOperations.DeleteAsync(string? model, CancellationToken cancellationToken) => DeleteMonitorAsync(model ?? "", cancellationToken);

    Task<PagedResult<MonitorWindow>> IMonitoringOperations.ListWindowsAsync(MonitorWindowQuery query, CancellationToken cancellationToken) => ListMonitorWindowsAsync(query, cancellationToken);

    Task<MonitorStatus> IMonitoringOperations.StatusAsync(string? model, CancellationToken cancellationToken) => GetMonitoringStatusAsync(model ?? "", cancellationToken);

    Task<PagedResult<Alert>> IMonitoringOperations.ListAlertsAsync(string? model, string? state, int maxResults, string? pageToken, CancellationToken cancellationToken) =>
        ListMonitoringAlertsAsync(model, state, maxResults, pageToken, cancellationToken);

    Task<PagedResult<AlertEvent>> IMonitoringOperations.HistoryAsync(string? model, long? fromMs, int maxResults, string? pageToken, CancellationToken cancellationToken) =>
        GetAlertHistoryAsync(model, fromMs, maxResults, pageToken, cancellationToken);

    Task<MonitorRunResult> IMonitoringOperations.RunAsync(string? model, long? windowEndMs, CancellationToken cancellationToken) => RunMonitorAsync(model ?? "", windowEndMs, cancellationToken);
}
