using Keel.Core.Deployments;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Deployments;

/// <summary>Registers the replica commands and the rolling coordinator (section <c>Keel:Deployments:Rolling</c>).</summary>
internal static class RollingServiceCollectionExtensions
{
    public static IServiceCollection AddKeelRolling(this IServiceCollection services)
    {
        services.AddOptions<RollingCoordinatorOptions>().BindConfiguration(RollingCoordinatorOptions.Section).Validate(o => o.IsValid(), RollingCoordinatorOptions.Rule);
        services.TryAddSingleton(sp => new DeploymentReplicaService(sp.GetRequiredService<IDeploymentStore>(), sp.GetRequiredService<IDeploymentReplicaStore>()));
        services.AddHostedService<RollingCoordinatorService>();
        return services;
    }
}
