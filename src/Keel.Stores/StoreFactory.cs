using Keel.Core.Errors;
using Keel.Core.Storage;
using Keel.Storage.Artifacts;
using Keel.Storage.Postgres;
using Keel.Storage.Sqlite;

namespace Keel.Stores;

/// <summary>
/// Opens every store of a Keel installation from a backend store URI and an artifacts URI: the one
/// way the server (<see cref="StoresServiceCollectionExtensions.AddKeelStorage"/>) and the CLI open
/// stores, so both meet the same database, checks and rules. The backend is a database object
/// (<see cref="SqliteDatabase"/> or <see cref="PostgresDatabase"/>) plus the stores on it.
/// </summary>
public static partial class StoreFactory
{
    /// <summary>Opens (creating and migrating when needed) the stores at <paramref name="backendStoreUri"/> and <paramref name="artifactsUri"/>.</summary>
    /// <param name="backendStoreUri">See <see cref="BackendStoreUri"/> for the forms.</param>
    /// <param name="artifactsUri">A folder, <c>file:///path</c> or <c>s3://bucket/prefix</c>.</param>
    /// <param name="options">Clock, limits, health, start-up check and S3 settings; defaults when null.</param>
    /// <exception cref="KeelException">
    /// INVALID_PARAMETER_VALUE: a URI Keel does not take, or a backend this build has no complete set
    /// of stores for; INVALID_STATE: a damaged, too-new or foreign database.
    /// </exception>
    public static KeelStores Open(string backendStoreUri, string artifactsUri, StoreFactoryOptions? options = null) =>
        OpenAsync(backendStoreUri, artifactsUri, options).AsTask().GetAwaiter().GetResult();

    /// <inheritdoc cref="Open"/>
    /// <param name="backendStoreUri">See <see cref="BackendStoreUri"/> for the forms.</param>
    /// <param name="artifactsUri">A folder, <c>file:///path</c> or <c>s3://bucket/prefix</c>.</param>
    /// <param name="options">Clock, limits, health, start-up check and S3 settings; defaults when null.</param>
    /// <param name="cancellationToken">Cancels opening a PostgreSQL database.</param>
    public static async ValueTask<KeelStores> OpenAsync(string backendStoreUri, string artifactsUri, StoreFactoryOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(backendStoreUri);
        ArgumentNullException.ThrowIfNull(artifactsUri);
        options ??= new StoreFactoryOptions();
        var backend = BackendStoreUri.Parse(backendStoreUri);
        var artifactRoot = ArtifactStores.Root(artifactsUri);
        var health = options.Health ?? new StorageHealth(options.Time);
        return backend.Backend switch
        {
            StoreBackend.Sqlite => OpenSqlite(backend, artifactRoot, options, health),
            _ => await OpenPostgresAsync(backend, artifactRoot, options, health, cancellationToken).ConfigureAwait(false),
        };
    }

    private static KeelStores OpenSqlite(BackendStoreUri backend, string artifactRoot, StoreFactoryOptions options, StorageHealth health)
    {
        var sqlite = options.Sqlite ?? new SqliteStoreOptions();
        var database = new SqliteDatabase(backend.Location, options.Time, new SqliteStoreOptions
        {
            StartupCheck = sqlite.StartupCheck,
            AutoCheckMaxBytes = sqlite.AutoCheckMaxBytes,
            Logger = sqlite.Logger,
            Health = health,
        })
        {
            Limits = options.Limits,
        };
        try
        {
            var deployments = new SqliteDeploymentStore(database);
            var registry = new SqliteRegistryStore(database, artifactRoot);
            return new KeelStores(
                backend,
                artifactRoot,
                database,
                new SqliteTrackingStore(database, artifactRoot),
                registry,
                new SqlitePredictionStore(database),
                new SqliteServedModelStore(database),
                deployments,
                new SqliteDeploymentReplicaStore(database),
                new SqliteMonitoringStore(database),
                new SqliteAuthStore(database),
                ArtifactStores.Open(artifactRoot, health, options.S3, options.Environment),
                options.Limits,
                health)
            {
                Approvals = registry,
            };
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    private static async Task<KeelStores> OpenPostgresAsync(BackendStoreUri backend, string artifactRoot, StoreFactoryOptions options, StorageHealth health, CancellationToken cancellationToken)
    {
        PostgresDatabase database;
        try
        {
            database = await PostgresDatabase.OpenAsync(backend.Location, options.Time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is Npgsql.NpgsqlException or System.Net.Sockets.SocketException or TimeoutException)
        {
            // Npgsql's message names host and port, never the password.
            throw new KeelException(ErrorCode.TemporarilyUnavailable, $"Backend store '{backend.Display}': cannot reach PostgreSQL ({e.Message}).", e);
        }

        try
        {
            var registry = new PostgresRegistryStore(database, artifactRoot, options.Limits);
            return new KeelStores(
                backend,
                artifactRoot,
                database,
                new PostgresTrackingStore(database, artifactRoot) { Limits = options.Limits },
                registry,
                new PostgresPredictionStore(database),
                new PostgresServedModelStore(database),
                new PostgresDeploymentStore(database),
                new PostgresDeploymentReplicaStore(database),
                new PostgresMonitoringStore(database),
                new PostgresAuthStore(database),
                ArtifactStores.Open(artifactRoot, health, options.S3, options.Environment),
                options.Limits,
                health)
            {
                Approvals = registry,
            };
        }
        catch
        {
            await database.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
