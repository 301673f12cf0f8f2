using Keel.Core.Monitoring;
using Keel.Core.Validation;
using Keel.Server.Infrastructure;
using Keel.Server.Registry;

namespace Keel.Server.Monitoring;

/// <summary>
/// Monitoring under /api/2.0/keel/monitoring: monitors (apply, get, list, delete), windows, status,
/// alerts and their history, and running a monitor now (docs/monitoring.md). The rules are
/// <see cref="MonitoringService"/>'s; this only parses and answers.
/// </summary>
internal static class MonitoringApi
{
    private const string Prefix = "/api/2.0/keel/monitoring/";

    public static void MapMonitoringApi(this IEndpointRouteBuilder app)
    {
        app.MapPost(Prefix + "monitors/apply", async (HttpRequest http, MonitoringService monitoring) =>
        {
            var spec = await http.ReadJsonAsync<MonitorSpec>().ConfigureAwait(false);
            return Json.Ok(new MonitorResponse(await monitoring.ApplyAsync(spec, http.Actor(), http.HttpContext.RequestAborted).ConfigureAwait(false)));
        });

        app.MapGet(Prefix + "monitors/get", async (HttpRequest http, MonitoringService monitoring) =>
            Json.Ok(new MonitorResponse(await monitoring.GetAsync(http.Query("model"), http.HttpContext.RequestAborted).ConfigureAwait(false))));

        app.MapGet(Prefix + "monitors/list", async (HttpRequest http, MonitoringService monitoring) =>
        {
            var max = TrackingValidator.ValidateMaxResults(http.QueryLong("max_results"), MonitoringService.DefaultPageSize, MonitorWindowQuery.MaxPageSize);
            var page = await monitoring.ListAsync(max, http.Query("page_token"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new MonitorsResponse(page.Items, page.NextPageToken));
        });

        app.MapPost(Prefix + "monitors/delete", async (HttpRequest http, MonitoringService monitoring) =>
        {
            var req = await http.ReadJsonAsync<MonitorModelRequest>().ConfigureAwait(false);
            await monitoring.DeleteAsync(req.Model, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Empty();
        });

        app.MapGet(Prefix + "windows/list", async (HttpRequest http, MonitoringService monitoring) =>
        {
            var max = TrackingValidator.ValidateMaxResults(http.QueryLong("max_results"), MonitoringService.DefaultWindowPageSize, MonitorWindowQuery.MaxPageSize);
            var query = new MonitorWindowQuery(
                http.Query("model") ?? string.Empty,
                Optional(http, "version"),
                Optional(http, "deployment"),
                Optional(http, "arm"),
                http.QueryLong("from_ms"),
                http.QueryLong("to_ms"),
                max,
                http.Query("page_token"));
            var page = await monitoring.ListWindowsAsync(query, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new MonitorWindowsResponse(page.Items, page.NextPageToken));
        });

        app.MapGet(Prefix + "status", async (HttpRequest http, MonitoringService monitoring) =>
            Json.Ok(await monitoring.StatusAsync(http.Query("model"), http.HttpContext.RequestAborted).ConfigureAwait(false)));

        app.MapGet(Prefix + "alerts/list", async (HttpRequest http, MonitoringService monitoring) =>
        {
            var max = TrackingValidator.ValidateMaxResults(http.QueryLong("max_results"), MonitoringService.DefaultPageSize, MonitorWindowQuery.MaxPageSize);
            var page = await monitoring.ListAlertsAsync(Optional(http, "model"), Optional(http, "state"), max, http.Query("page_token"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new AlertsResponse(page.Items, page.NextPageToken));
        });

        app.MapGet(Prefix + "alerts/history", async (HttpRequest http, MonitoringService monitoring) =>
        {
            var max = TrackingValidator.ValidateMaxResults(http.QueryLong("max_results"), MonitoringService.DefaultPageSize, MonitorWindowQuery.MaxPageSize);
            var page = await monitoring.HistoryAsync(Optional(http, "model"), http.QueryLong("from_ms"), max, http.Query("page_token"), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new AlertEventsResponse([.. page.Items.Select(AlertEventView.Of)], page.NextPageToken));
        });

        app.MapPost(Prefix + "run", async (HttpRequest http, MonitoringService monitoring) =>
        {
            var req = await http.ReadJsonAsync<MonitorRunRequest>().ConfigureAwait(false);
            var result = await monitoring.RunAsync(req.Model, req.WindowEndMs, http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new MonitorRunResponse(result.Windows, [.. result.AlertChanges.Select(AlertEventView.Of)]));
        });
        app.MapRetrainingJobsApi();
    }

    /// <summary>An optional query filter: absent and empty (<c>?version=</c>) both mean "not filtered".</summary>
    private static string? Optional(HttpRequest http, string name) => http.Query(name) is { Length: > 0 } value ? value : null;
}
