using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Monitoring.Reference;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Monitoring;

/// <summary>Registers monitoring's services over the configured stores.</summary>
internal static class MonitoringServiceCollectionExtensions
{
    /// <summary>The reference source (<see cref="IModelReferenceSource"/>, and <see cref="ModelReferenceSource"/> itself for the monitoring pass).</summary>
    public static IServiceCollection AddKeelMonitoring(this IServiceCollection services)
    {
        services.TryAddSingleton(sp => new ModelReferenceSource(
            sp.GetRequiredService<IRegistryStore>(),
            sp.GetRequiredService<ITrackingStore>(),
            sp.GetRequiredService<IArtifactStore>()));
        services.TryAddSingleton<IModelReferenceSource>(sp => sp.GetRequiredService<ModelReferenceSource>());
        return services;
    }
}
