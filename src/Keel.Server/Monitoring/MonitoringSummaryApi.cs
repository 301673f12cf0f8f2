using Keel.Core.Errors;
using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Monitoring.Reports;
using Keel.Monitoring.Summaries;
using Keel.Server.Infrastructure;

namespace Keel.Server.Monitoring;

/// <summary>
/// <c>GET /api/2.0/keel/monitoring/summary?model=&amp;days=7</c> (the specification's monitoring
/// summary, JSON) and <c>GET /api/2.0/keel/monitoring/report?model=&amp;days=7</c> (the same as a
/// self-contained HTML page) over the monitoring store (docs/monitoring.md#summary-and-report).
/// </summary>
internal static class MonitoringSummaryApi
{
    /// <summary>The report's own policy: its inline styles and SVG render, nothing loads, nothing runs.</summary>
    public const string ReportContentSecurityPolicy = "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; sandbox";

    public static void MapMonitoringSummaryApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/2.0/keel/monitoring/summary", async (HttpRequest http, IRegistryStore registry, TimeProvider time) =>
        {
            var (query, store) = await CheckAsync(http, registry).ConfigureAwait(false);
            var summary = await MonitoringSummaryBuilder.BuildAsync(store, query, time.GetUtcNow().ToUnixTimeMilliseconds(), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(summary);
        });
        app.MapGet("/api/2.0/keel/monitoring/report", async (HttpRequest http, IRegistryStore registry, TimeProvider time) =>
        {
            var (query, store) = await CheckAsync(http, registry).ConfigureAwait(false);
            long now = time.GetUtcNow().ToUnixTimeMilliseconds();
            var data = await MonitoringSummaryBuilder.LoadAsync(store, query, now, http.HttpContext.RequestAborted).ConfigureAwait(false);
            var html = MonitoringHtmlReport.Render(MonitoringSummaryBuilder.Build(query, now, data), data.Windows);
            http.HttpContext.Response.Headers.ContentSecurityPolicy = ReportContentSecurityPolicy;
            return TypedResults.Text(html, "text/html; charset=utf-8");
        });
    }

    /// <summary>The checked query (Core's rules), the model registered, and the store.</summary>
    private static async Task<(MonitoringSummaryQuery Query, IMonitoringStore Store)> CheckAsync(HttpRequest http, IRegistryStore registry)
    {
        var query = MonitoringSummaryQuery.Of(http.Query("model"), http.QueryLong("days"));
        var store = http.HttpContext.RequestServices.GetService<IMonitoringStore>()
            ?? throw new KeelException(ErrorCode.NotImplemented, "This server has no monitoring store.");
        // An unknown model is RESOURCE_DOES_NOT_EXIST rather than an empty summary.
        await registry.GetRegisteredModelAsync(query.Model, http.HttpContext.RequestAborted).ConfigureAwait(false);
        return (query, store);
    }
}
