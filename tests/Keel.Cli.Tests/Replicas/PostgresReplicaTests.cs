using Keel.Storage.Artifacts.S3;
using Keel.Tests.Shared;
using Keel.Testing.Postgres;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Keel.Cli.Tests.Replicas;

/// <summary>
/// The replica tests on what issue 15 names: one PostgreSQL database (the test cluster, a fresh
/// database per test) and one S3-compatible bucket (s3rver) shared by every replica.
/// </summary>
public sealed class PostgresReplicaTests(ReplicaModels models, S3TestServer s3, PostgresServer postgres)
    : ReplicaTests(models), IClassFixture<ReplicaModels>, IClassFixture<S3TestServer>
{
    protected override async Task<ReplicaBackend> CreateBackendAsync()
    {
        s3.Require();
        var connectionString = await postgres.CreateDatabaseAsync();
        return new PostgresReplicaBackend(postgres, connectionString, await s3.CreateBucketAsync(), s3.EndpointUrl);
    }
}

/// <summary>One PostgreSQL database and one S3 bucket shared by every replica.</summary>
public sealed class PostgresReplicaBackend(PostgresServer server, string connectionString, string bucket, string s3Endpoint) : ReplicaBackend
{
    /// <summary>The database as a <c>postgresql://</c> URI over the cluster's unix socket, as an operator would write it.</summary>
    public override string BackendStoreUri
    {
        get
        {
            var cs = new NpgsqlConnectionStringBuilder(connectionString);
            return $"postgresql://{cs.Username}@/{cs.Database}?host={Uri.EscapeDataString(cs.Host!)}&port={cs.Port}";
        }
    }

    public override string ArtifactsUri => $"s3://{bucket}/keel";

    public override IReadOnlyDictionary<string, string> Environment { get; } = new Dictionary<string, string>
    {
        ["MLFLOW_S3_ENDPOINT_URL"] = s3Endpoint,
        ["AWS_ACCESS_KEY_ID"] = S3TestServer.Credentials.GetCredentials().AccessKey,
        ["AWS_SECRET_ACCESS_KEY"] = S3TestServer.Credentials.GetCredentials().SecretKey,
    };

    protected override void ConfigureStores(IServiceCollection services) =>
        services.AddSingleton(new S3ArtifactStoreOptions { EndpointUrl = s3Endpoint, Credentials = S3TestServer.Credentials, ForcePathStyle = true });

    public override async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await server.DropDatabaseAsync(connectionString);
    }
}
