using Keel.Stores;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Cli.Tests.Replicas;

/// <summary>
/// The one store every replica of a <see cref="ReplicaCluster"/> shares: a backend store URI and an
/// artifacts URI (plus any environment the servers need to reach them, such as an S3 endpoint). The
/// tests read acknowledged writes and leases back through <see cref="OpenStores"/>, straight from
/// the store rather than through a replica.
/// </summary>
public abstract class ReplicaBackend : IAsyncDisposable
{
    /// <summary>What <c>--backend-store-uri</c> every replica gets.</summary>
    public abstract string BackendStoreUri { get; }

    /// <summary>What <c>--artifacts-uri</c> every replica gets.</summary>
    public abstract string ArtifactsUri { get; }

    /// <summary>Environment variables every replica gets (for example the S3 endpoint).</summary>
    public virtual IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>();

    /// <summary>The stores, opened in the test process the way a server opens them.</summary>
    public ServiceProvider OpenStores()
    {
        var services = new ServiceCollection();
        ConfigureStores(services);
        services.AddKeelStorage(BackendStoreUri, ArtifactsUri);
        return services.BuildServiceProvider();
    }

    public abstract ValueTask DisposeAsync();

    /// <summary>Registers what <see cref="OpenStores"/> needs besides the URIs (for example S3 options).</summary>
    protected virtual void ConfigureStores(IServiceCollection services)
    {
    }
}

/// <summary>One SQLite file and one local artifact folder shared by every replica (WAL, group commit, data_version checks).</summary>
public sealed class SqliteReplicaBackend : ReplicaBackend
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-replicas-").FullName;

    public override string BackendStoreUri => $"sqlite:///{_folder}/keel.db";

    public override string ArtifactsUri => Path.Combine(_folder, "artifacts");

    public override ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
