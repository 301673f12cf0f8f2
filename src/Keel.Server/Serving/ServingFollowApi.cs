using System.Text.Json.Nodes;
using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Server.Infrastructure;

namespace Keel.Server.Serving;

/// <summary>
/// Hot swap wiring: the <see cref="ModelFollower"/> (options from <c>Keel:Serving</c>) and the
/// admin endpoint <c>POST /api/2.0/keel/serving/models/{name}/reload</c>, which resolves the
/// model's source again now and swaps in a freshly loaded generation.
/// </summary>
internal static class ServingFollowApi
{
    /// <summary>Registers the follower as a hosted service, with <see cref="ModelFollowerOptions"/> bound to <c>Keel:Serving</c>.</summary>
    public static IServiceCollection AddModelFollower(this IServiceCollection services)
    {
        services.AddOptions<ModelFollowerOptions>().BindConfiguration("Keel:Serving");
        services.AddHostedService<ModelFollower>();
        return services;
    }

    /// <summary>Maps <c>POST {adminBase}/{name}/reload</c>: answers the described new generation; on failure the error, with the old generation still serving.</summary>
    public static void MapServingReload(this IEndpointRouteBuilder app, string adminBase) =>
        app.MapPost(adminBase + "/{name}/reload", async (string name, HttpRequest request, ServedModelRegistry models, IRegistryStore registry, ITrackingStore tracking, IArtifactStore artifacts) =>
        {
            // JSON only, as every state-changing POST: a cross-site form or text/plain post cannot set it without a CORS preflight.
            RequestReading.EnsureJsonContentType(request);
            var model = await models.ReloadAsync(name, registry, tracking, artifacts, request.HttpContext.RequestAborted).ConfigureAwait(false);
            return ScoringResponses.Json(new JsonObject { ["model"] = ScoringResponses.Describe(model) });
        });
}
