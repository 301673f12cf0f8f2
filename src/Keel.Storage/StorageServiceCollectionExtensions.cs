using Keel.Core.Auth;
using Keel.Core.Deployments;
using Keel.Core.Errors;
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

namespace Keel.Storage;

/// <summary>Registers the stores named by URIs: <c>sqlite:///path</c>; <c>file:///path</c>, a plain folder or <c>s3://bucket/prefix</c>.</summary>
public static class StorageServiceCollectionExtensions
{
    /// <summary>
    /// Adds the tracking store and artifact store picked by URI scheme, the served-model store, and
    /// one <see cref="StorageHealth"/> the stores report a full disk to. A registered
    /// <see cref="SqliteStoreOptions"/> sets the SQLite start-up check; a registered
    /// <see cref="S3ArtifactStoreOptions"/> the S3 endpoint, region and part sizes.
    /// </summary>
    public static IServiceCollection AddKeelStorage(this IServiceCollection services, string backendStoreUri, string artifactsUri)
    {
        var artifactRoot = ArtifactStores.Root(artifactsUri);
        services.TryAddSingleton(sp => new StorageHealth(sp.GetService<TimeProvider>()));
        services.TryAddSingleton(sp => ArtifactStores.Open(artifactRoot, sp.GetRequiredService<StorageHealth>(), sp.GetService<S3ArtifactStoreOptions>()));
        var backend = StoreUris.ParseBackend(backendStoreUri);
        switch (backend.Scheme)
        {
            case "sqlite":
                services.TryAddSingleton(sp => new SqliteTrackingStore(
                    backend.Path,
                    artifactRoot,
                    sp.GetService<TimeProvider>() ?? TimeProvider.System,
                    new SqliteStoreOptions
                    {
                        StartupCheck = sp.GetService<SqliteStoreOptions>()?.StartupCheck ?? SqliteStartupCheck.Auto,
                        AutoCheckMaxBytes = sp.GetService<SqliteStoreOptions>()?.AutoCheckMaxBytes ?? new SqliteStoreOptions().AutoCheckMaxBytes,
                        Health = sp.GetRequiredService<StorageHealth>(),
                        Logger = sp.GetService<ILoggerFactory>()?.CreateLogger("Keel.Storage"),
                    })
                {
                    Limits = sp.GetService<InputLimits>() ?? InputLimits.Default,
                });
                services.TryAddSingleton<ITrackingStore>(sp => sp.GetRequiredService<SqliteTrackingStore>());
                services.TryAddSingleton<IRegistryStore>(sp => new SqliteRegistryStore(sp.GetRequiredService<SqliteTrackingStore>()));
                services.TryAddSingleton<IPredictionStore>(sp => new SqlitePredictionStore(sp.GetRequiredService<SqliteTrackingStore>()));
                services.TryAddSingleton<IServedModelStore>(sp => new SqliteServedModelStore(sp.GetRequiredService<SqliteTrackingStore>()));
                services.TryAddSingleton<IDeploymentStore>(sp => new SqliteDeploymentStore(sp.GetRequiredService<SqliteTrackingStore>()));
                services.TryAddSingleton<ILeaseStore>(sp => sp.GetRequiredService<IDeploymentStore>());
                services.TryAddSingleton<IMonitoringStore>(sp => new SqliteMonitoringStore(sp.GetRequiredService<SqliteTrackingStore>()));
                services.TryAddSingleton<IDeploymentReplicaStore>(sp => new SqliteDeploymentReplicaStore(sp.GetRequiredService<SqliteTrackingStore>()));
                services.TryAddSingleton<IAuthStore>(sp => new SqliteAuthStore(sp.GetRequiredService<SqliteTrackingStore>()));
                break;
            default:
                throw new KeelException(ErrorCode.InvalidParameterValue, $"Unsupported backend store URI scheme '{backend.Scheme}'. Use sqlite:///path/to/keel.db.");
        }

        return services;
    }
}
