using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Monitoring.Deployments;
using Keel.Monitoring.Reference;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Deployments;

/// <summary>Registers the analysis windows (an <see cref="IDeploymentObserver"/> on the request path) and the gates (<see cref="IDeploymentAnalysis"/>).</summary>
internal static class DeploymentAnalysisServiceCollectionExtensions
{
    /// <summary>Adds <see cref="DeploymentWindows"/> (bounds from <c>Keel:Deployments:Windows</c>) and <see cref="DeploymentAnalysis"/>.</summary>
    public static IServiceCollection AddKeelDeploymentAnalysis(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DeploymentWindowOptions.Section).Get<DeploymentWindowOptions>() ?? new DeploymentWindowOptions();
        options.Validate();
        services.TryAddSingleton(_ => new DeploymentWindows(options));
        services.AddSingleton<IDeploymentObserver>(sp => sp.GetRequiredService<DeploymentWindows>());
        services.TryAddSingleton<IDeploymentAnalysis>(sp => new DeploymentAnalysis(
            sp.GetRequiredService<DeploymentWindows>(),
            sp.GetRequiredService<IPredictionStore>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<IModelReferenceSource>()));
        return services;
    }
}
