namespace Keel.Cli.Tests.Replicas;

/// <summary>The replica tests on one shared SQLite file and one local artifact folder.</summary>
public sealed class SqliteReplicaTests(ReplicaModels models) : ReplicaTests(models), IClassFixture<ReplicaModels>
{
    protected override Task<ReplicaBackend> CreateBackendAsync() => Task.FromResult<ReplicaBackend>(new SqliteReplicaBackend());
}
