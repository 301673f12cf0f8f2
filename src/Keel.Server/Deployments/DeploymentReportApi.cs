using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Monitoring.Deployments;
using Keel.Server.Infrastructure;

namespace Keel.Server.Deployments;

/// <summary><c>GET /api/2.0/keel/deployments/report?name=&amp;from=&amp;to=</c>: the arms of a deployment compared from its prediction log (docs/deployments.md#report).</summary>
internal static class DeploymentReportApi
{
    public static void MapDeploymentReportApi(this IEndpointRouteBuilder app) =>
        app.MapGet("/api/2.0/keel/deployments/report", async (HttpRequest http, DeploymentService deployments, IPredictionStore predictions, DeploymentWindows windows, TimeProvider time) =>
        {
            var name = DeploymentSpecValidator.Name(http.Query("name"));
            long? from = http.QueryLong("from"), to = http.QueryLong("to");
            new PredictionQuery(string.Empty, from, to) { Deployment = name }.Validate();
            var deployment = await deployments.GetAsync(name, http.HttpContext.RequestAborted).ConfigureAwait(false);
            var report = await DeploymentReportBuilder.BuildAsync(predictions, deployment, from, to, windows, time.GetUtcNow().ToUnixTimeMilliseconds(), http.HttpContext.RequestAborted).ConfigureAwait(false);
            return Json.Ok(new DeploymentReportResponse(report));
        });
}

/// <summary>The answer of <c>deployments/report</c>.</summary>
/// <param name="Report">The report.</param>
internal sealed record DeploymentReportResponse(DeploymentReport Report);
