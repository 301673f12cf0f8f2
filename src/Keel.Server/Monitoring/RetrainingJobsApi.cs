using Keel.Core.Monitoring;
using Keel.Server.Infrastructure;

namespace Keel.Server.Monitoring;

/// <summary>
/// The retraining jobs alert actions start, under /api/2.0/keel/monitoring/retraining:
/// <c>GET list?model=&amp;state=</c> (newest first) and <c>GET get?id=</c>, each job with its state,
/// the alert that started it, the pipeline, the run id, the version registered and its gate verdict
/// (docs/monitoring.md). The checks are Core's <see cref="RetrainingJobs"/>.
/// </summary>
internal static class RetrainingJobsApi
{
    private const string Prefix = "/api/2.0/keel/monitoring/retraining/";

    public static void MapRetrainingJobsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet(Prefix + "list", (HttpRequest http) =>
            Json.Ok(new RetrainingJobsResponse(RetrainingJobs.List(http.HttpContext.RequestServices.GetService<RetrainingQueue>(), http.Query("model"), http.Query("state")))));
        app.MapGet(Prefix + "get", (HttpRequest http) =>
            Json.Ok(new RetrainingJobResponse(RetrainingJobs.Get(http.HttpContext.RequestServices.GetService<RetrainingQueue>(), http.Query("id")))));
    }
}

/// <summary>The answer of <c>retraining/list</c>.</summary>
/// <param name="Jobs">The jobs, newest first.</param>
internal sealed record RetrainingJobsResponse(IReadOnlyList<RetrainingJob> Jobs);

/// <summary>The answer of <c>retraining/get</c>.</summary>
/// <param name="Job">The job.</param>
internal sealed record RetrainingJobResponse(RetrainingJob Job);
