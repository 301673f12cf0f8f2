using Keel.Core.Artifacts;
using Keel.Core.Deployments;
using Keel.Core.Approvals;
using Keel.Core.Auth;
using Keel.Core.Monitoring;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Core.Serving;
using Keel.Core.Storage;
using Keel.Core.Tracking;
using Keel.Core.Validation;

namespace Keel.Stores;

/// <summary>
/// Every store of one Keel installation, opened by <see cref="StoreFactory"/> on one database and one
/// artifact store. Disposing the bundle closes the database (after its queued writes committed)
/// and the artifact store; the stores themselves own nothing.
/// </summary>
public sealed class KeelStores : IAsyncDisposable, IDisposable
{
    private readonly IAsyncDisposable _database;
    private int _disposed;

    internal KeelStores(
        BackendStoreUri backend,
        string artifactRoot,
        IAsyncDisposable database,
        ITrackingStore tracking,
        IRegistryStore registry,
        IPredictionStore predictions,
        IServedModelStore servedModels,
        IDeploymentStore deployments,
        IDeploymentReplicaStore replicas,
        IMonitoringStore monitoring,
        IAuthStore auth,
        IArtifactStore artifacts,
        InputLimits limits,
        StorageHealth health)
    {
        Backend = backend;
        ArtifactRoot = artifactRoot;
        _database = database;
        Tracking = tracking;
        Registry = registry;
        Predictions = predictions;
        ServedModels = servedModels;
        Deployments = deployments;
        Replicas = replicas;
        Monitoring = monitoring;
        Auth = auth;
        Artifacts = artifacts;
        Limits = limits;
        Health = health;
    }

    /// <summary>The backend store the stores are on.</summary>
    public BackendStoreUri Backend { get; }

    /// <summary>The artifact root: an absolute folder, or <c>s3://bucket/prefix</c>.</summary>
    public string ArtifactRoot { get; }

    /// <summary>The database object the stores share (<see cref="Storage.Sqlite.SqliteDatabase"/> or <see cref="Storage.Postgres.PostgresDatabase"/>).</summary>
    public object Database => _database;

    /// <summary>Experiments, runs, metrics, params and tags.</summary>
    public ITrackingStore Tracking { get; }

    /// <summary>Registered models, versions, aliases and the audit trail.</summary>
    public IRegistryStore Registry { get; }

    /// <summary>The prediction log and its feedback.</summary>
    public IPredictionStore Predictions { get; }

    /// <summary>The models the server serves.</summary>
    public IServedModelStore ServedModels { get; }

    /// <summary>Deployments and their audit.</summary>
    public IDeploymentStore Deployments { get; }

    /// <summary>The controller leases (the deployment store).</summary>
    public ILeaseStore Leases => Deployments;

    /// <summary>The replicas of deployments.</summary>
    public IDeploymentReplicaStore Replicas { get; }

    /// <summary>Monitor specs, windows and alerts.</summary>
    public IMonitoringStore Monitoring { get; }

    /// <summary>Users, permissions and API tokens.</summary>
    public IAuthStore Auth { get; }

    /// <summary>
    /// Approval policies and requests. The registry store implements them (the same object as
    /// <see cref="Registry"/>): a move into production reads and consumes an approval in the
    /// registry's own write transaction.
    /// </summary>
    public required IApprovalStore Approvals { get; init; }

    /// <summary>The artifact store.</summary>
    public IArtifactStore Artifacts { get; }

    /// <summary>The limits the stores enforce.</summary>
    public InputLimits Limits { get; }

    /// <summary>Where the stores report a full disk.</summary>
    public StorageHealth Health { get; }

    /// <summary>Closes the tracking store, the database and the artifact store, once.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _database.DisposeAsync().ConfigureAwait(false);
        if (Tracking is IAsyncDisposable tracking)
        {
            await tracking.DisposeAsync().ConfigureAwait(false);
        }

        (Artifacts as IDisposable)?.Dispose();
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
