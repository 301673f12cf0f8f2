using Keel.Client.Http;
using Keel.Core.Paging;
using Keel.Core.Protocol;
using Keel.Core.Tracking;

namespace Keel.Client;

public sealed partial class KeelClient
{
    /// <summary>Logs one metric observation, timestamped now.</summary>
    public Task LogMetricAsync(string runId, string key, double value, long step = 0, CancellationToken cancellationToken = default) =>
        LogMetricAsync(runId, new Metric(key, value, Options.TimeProvider.GetUtcNow().ToUnixTimeMilliseconds(), step), cancellationToken);

    /// <summary>One page of a metric's history, ordered by step then timestamp.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="key">The metric key.</param>
    /// <param name="maxResults">Page size; the server caps it at 25,000. <see cref="int.MaxValue"/> asks for every observation in one answer (no <c>max_results</c> is sent), as <see cref="ITrackingStore.GetMetricHistoryAsync"/> means it.</param>
    /// <param name="pageToken">The previous page's <see cref="PagedResult{T}.NextPageToken"/>, or null for the first page.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<PagedResult<Metric>> GetMetricHistoryAsync(string runId, string key, int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        // int.MaxValue is the store interface's "everything"; over HTTP that is a request without max_results.
        var query = QueryString.Of("run_id", runId).Add("metric_key", key).Add("max_results", maxResults == int.MaxValue ? null : maxResults).Add("page_token", pageToken);
        var response = await GetJsonAsync<GetMetricHistoryResponse>("metrics/get-history", query, cancellationToken).ConfigureAwait(false);
        return new PagedResult<Metric>(response.Metrics ?? [], EmptyToNull(response.NextPageToken));
    }

    /// <summary>Every observation of a metric, walking all pages of <c>metrics/get-history</c>.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="key">The metric key.</param>
    /// <param name="pageSize">Observations fetched per request.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public async Task<IReadOnlyList<Metric>> GetFullMetricHistoryAsync(string runId, string key, int pageSize = TrackingLimits.MetricHistoryMaxResults, CancellationToken cancellationToken = default) =>
        await EnumerateMetricHistoryAsync(runId, key, pageSize, cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);

    /// <summary>Every observation of a metric, fetching page after page as it is enumerated.</summary>
    public IAsyncEnumerable<Metric> EnumerateMetricHistoryAsync(string runId, string key, int pageSize = TrackingLimits.MetricHistoryMaxResults, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        return AllPagesAsync((token, ct) => GetMetricHistoryAsync(runId, key, pageSize, token, ct), cancellationToken);
    }
}
