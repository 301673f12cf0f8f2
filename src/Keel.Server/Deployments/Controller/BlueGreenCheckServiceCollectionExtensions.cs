using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Deployments.Controller;

/// <summary>Registers the blue-green data check (<see cref="ValidationBlueGreenCheck"/>) the controller calls before a switch.</summary>
internal static class BlueGreenCheckServiceCollectionExtensions
{
    public static IServiceCollection AddKeelBlueGreenCheck(this IServiceCollection services)
    {
        services.TryAddSingleton<IBlueGreenCheck, ValidationBlueGreenCheck>();
        return services;
    }
}
