using Keel.Core.Approvals;
using Keel.Core.Artifacts;
using Keel.Core.Auth;
using Keel.Core.Deployments;
using Keel.Core.Monitoring;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Core.Serving;
using Keel.Core.Storage;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Artifacts;
using Keel.Storage.Artifacts.S3;
using Keel.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace Keel.Stores;

/// <summary>Registers the stores <see cref="StoreFactory"/> opens from a backend store URI and an artifacts URI.</summary>
public static class StoresServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="KeelStores"/> (opened by <see cref="StoreFactory.Open"/> when first resolved),
    /// each store interface from it, and one <see cref="StorageHealth"/> the stores report a full disk
    /// to. A registered <see cref="SqliteStoreOptions"/> sets the SQLite start-up check, a registered
    /// <see cref="InputLimits"/> the limits, a registered <see cref="S3ArtifactStoreOptions"/> the S3
    /// endpoint, region and part sizes. The URIs are parsed now, so a bad one fails at registration.
    /// </summary>
    public static IServiceCollection AddKeelStorage(this IServiceCollection services, string backendStoreUri, string artifactsUri)
    {
        BackendStoreUri.Parse(backendStoreUri);
        ArtifactStores.Root(artifactsUri);
        services.TryAddSingleton(sp => new StorageHealth(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => StoreFactory.Open(backendStoreUri, artifactsUri, new StoreFactoryOptions
        {
            Time = sp.GetService<TimeProvider>() ?? TimeProvider.System,
            Limits = sp.GetService<InputLimits>() ?? InputLimits.Default,
            Health = sp.GetRequiredService<StorageHealth>(),
            Sqlite = new SqliteStoreOptions
            {
                StartupCheck = sp.GetService<SqliteStoreOptions>()?.StartupCheck ?? SqliteStartupCheck.Auto,
                AutoCheckMaxBytes = sp.GetService<SqliteStoreOptions>()?.AutoCheckMaxBytes ?? new SqliteStoreOptions().AutoCheckMaxBytes,
                Logger = sp.GetService<ILoggerFactory>()?.CreateLogger("Keel.Storage"),
            },
            S3 = sp.GetService<S3ArtifactStoreOptions>(),
        }));

        // The container disposes KeelStores (the database and the artifact store); disposing the
        // stores it hands out is harmless (they own nothing, or dispose once).
        services.TryAddSingleton<IArtifactStore>(sp => sp.GetRequiredService<KeelStores>().Artifacts);
        services.TryAddSingleton<ITrackingStore>(sp => sp.GetRequiredService<KeelStores>().Tracking);
        services.TryAddSingleton<IRegistryStore>(sp => sp.GetRequiredService<KeelStores>().Registry);
        services.TryAddSingleton<IPredictionStore>(sp => sp.GetRequiredService<KeelStores>().Predictions);
        services.TryAddSingleton<IServedModelStore>(sp => sp.GetRequiredService<KeelStores>().ServedModels);
        services.TryAddSingleton<IDeploymentStore>(sp => sp.GetRequiredService<KeelStores>().Deployments);
        services.TryAddSingleton<ILeaseStore>(sp => sp.GetRequiredService<KeelStores>().Leases);
        services.TryAddSingleton<IMonitoringStore>(sp => sp.GetRequiredService<KeelStores>().Monitoring);
        services.TryAddSingleton<IDeploymentReplicaStore>(sp => sp.GetRequiredService<KeelStores>().Replicas);
        services.TryAddSingleton<IAuthStore>(sp => sp.GetRequiredService<KeelStores>().Auth);
        services.TryAddSingleton<IApprovalStore>(sp => sp.GetRequiredService<KeelStores>().Approvals);
        return services;
    }
}
