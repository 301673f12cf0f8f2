using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Core.Validation;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Monitoring;

/// <summary>Registers the monitoring API's service over the configured stores.</summary>
internal static class MonitoringApiServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="MonitoringService"/> over the monitoring store and the registry, with the
    /// <see cref="IMonitorRunner"/> when one is registered (resolved as optional, so the API works
    /// without it and <c>run</c> answers NOT_IMPLEMENTED).
    /// </summary>
    public static IServiceCollection AddKeelMonitoringApi(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new MonitoringService(
            sp.GetRequiredService<IMonitoringStore>(),
            sp.GetRequiredService<IRegistryStore>(),
            sp.GetService<IMonitorRunner>(),
            sp.GetService<InputLimits>(),
            sp.GetService<Core.Serving.IServedModelStore>()));
        return services;
    }
}
