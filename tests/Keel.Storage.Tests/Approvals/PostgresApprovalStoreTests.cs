using Keel.Core.Registry;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;

namespace Keel.Storage.Tests.Approvals;

public sealed class PostgresApprovalStoreTests(PostgresServer server) : ApprovalStoreComplianceTests
{
    private const string ArtifactRoot = "/srv/keel/artifacts";
    private readonly PostgresTestDatabase _db = new(server);
    private readonly List<PostgresDatabase> _peers = [];

    protected override async Task<IRegistryStore> CreateStoreAsync() => new PostgresRegistryStore(await _db.CreateAsync(Clock), ArtifactRoot);

    /// <summary>Two more connections pools on the database, like two more processes.</summary>
    protected override async Task<IRegistryStore[]> PeersAsync()
    {
        _peers.Add(await PostgresDatabase.OpenAsync(_db.ConnectionString, Clock));
        _peers.Add(await PostgresDatabase.OpenAsync(_db.ConnectionString, Clock));
        return [Registry, .. _peers.Select(p => new PostgresRegistryStore(p, ArtifactRoot))];
    }

    public override async ValueTask DisposeAsync()
    {
        foreach (var peer in _peers)
        {
            await peer.DisposeAsync();
        }

        await _db.DisposeAsync();
    }
}
