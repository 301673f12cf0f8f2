using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Core.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Deployments;

/// <summary>Registers the deployment commands over the configured stores.</summary>
internal static class DeploymentsServiceCollectionExtensions
{
    public static IServiceCollection AddKeelDeployments(this IServiceCollection services)
    {
        services.TryAddSingleton<IPromotionGuard, RegistryPromotionGuard>();
        services.TryAddSingleton<DeploymentChangeFeed>();
        services.TryAddSingleton(sp => new DeploymentService(
            sp.GetRequiredService<IDeploymentStore>(),
            sp.GetRequiredService<IRegistryStore>(),
            sp.GetRequiredService<IPromotionGuard>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetService<InputLimits>(),
            sp.GetRequiredService<DeploymentChangeFeed>()));
        return services;
    }
}
