using Keel.Core.Deployments;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Deployments.Controller;

/// <summary>Registers the deployment controller (a hosted service) when <c>Keel:Deployments:Controller:Enabled</c> is not false.</summary>
internal static class DeploymentControllerServiceCollectionExtensions
{
    public static IServiceCollection AddKeelDeploymentController(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(DeploymentControllerOptions.Section).Get<DeploymentControllerOptions>() ?? new DeploymentControllerOptions();
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton(sp => new DeploymentReconciler(
            sp.GetRequiredService<DeploymentService>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<DeploymentControllerOptions>(),
            sp.GetRequiredService<ILogger<DeploymentReconciler>>(),
            sp.GetService<IDeploymentAnalysis>(),
            sp.GetService<IDeploymentArmWarmer>(),
            sp.GetService<IBlueGreenCheck>()));
        if (options.Enabled)
        {
            services.TryAddSingleton<DeploymentController>();
            services.AddHostedService(sp => sp.GetRequiredService<DeploymentController>());
        }

        return services;
    }
}
