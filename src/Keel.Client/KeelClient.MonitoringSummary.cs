using Keel.Client.Http;
using Keel.Core.Monitoring;

namespace Keel.Client;

public sealed partial class KeelClient
{
    /// <summary>The monitoring summary of <paramref name="model"/> over the last <paramref name="days"/> days (<c>GET /api/2.0/keel/monitoring/summary</c>).</summary>
    public async Task<ModelMonitoringSummary> GetMonitoringSummaryAsync(string model, int days = MonitoringSummaryQuery.DefaultDays, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, MonitoringSummaryUri("summary", model, days)), replayable: true, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<ModelMonitoringSummary>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The monitoring report of <paramref name="model"/> over the last <paramref name="days"/> days as a self-contained HTML page (<c>GET /api/2.0/keel/monitoring/report</c>).</summary>
    public async Task<string> GetMonitoringReportHtmlAsync(string model, int days = MonitoringSummaryQuery.DefaultDays, CancellationToken cancellationToken = default)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, MonitoringSummaryUri("report", model, days)), replayable: true, cancellationToken).ConfigureAwait(false);
        return await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
    }

    private Uri MonitoringSummaryUri(string verb, string model, int days) =>
        new(BaseAddress, "api/2.0/keel/monitoring/" + verb + QueryString.Of("model", model).Add("days", (long)days));
}
