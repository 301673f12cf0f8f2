using Keel.Core.Deployments;
using Keel.Server.Serving;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Deployments.Routing;

/// <summary>Registers and maps the deployments' request path.</summary>
internal static class RoutingServiceCollectionExtensions
{
    /// <summary>
    /// Registers the arm host (also the <see cref="IDeploymentArmWarmer"/>), the store poller, the
    /// shadow mirror and the request path (also the Open Inference fallback for deployment names),
    /// with <see cref="DeploymentRoutingOptions"/> bound from <c>Keel:Deployments:Routing</c>.
    /// </summary>
    public static IServiceCollection AddDeploymentRouting(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DeploymentRoutingOptions.Section).Get<DeploymentRoutingOptions>() ?? new DeploymentRoutingOptions();
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton<DeploymentChangeFeed>();
        services.TryAddSingleton<DeploymentArmHost>();
        services.TryAddSingleton<IDeploymentArmWarmer>(sp => sp.GetRequiredService<DeploymentArmHost>());
        services.AddHostedService<DeploymentRoutingPoller>();
        services.TryAddSingleton<DeploymentMetrics>();
        services.TryAddSingleton<DeploymentAnswerRecorder>();
        services.TryAddSingleton<ShadowMirror>();
        services.AddHostedService(sp => sp.GetRequiredService<ShadowMirror>());
        services.TryAddSingleton<DeploymentRequestPath>();
        services.TryAddSingleton<IOpenInferenceFallback>(sp => sp.GetRequiredService<DeploymentRequestPath>());
        return services;
    }

    /// <summary>Maps <c>POST /deployments/{name}/invocations</c> (the Open Inference routes answer deployments through <see cref="IOpenInferenceFallback"/>).</summary>
    public static void MapDeploymentRouting(this IEndpointRouteBuilder app) =>
        app.MapPost("/deployments/{name}/invocations", (string name, HttpRequest request, DeploymentRequestPath path) => path.InvokeAsync(name, request));
}
