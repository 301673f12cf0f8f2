using Keel.Core.Registry;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;

namespace Keel.Storage.Tests.Search;

public sealed class PostgresRegistrySearchStoreTests(PostgresServer server) : RegistrySearchStoreTests
{
    private readonly PostgresTestDatabase _db = new(server);

    protected override async Task<IRegistryStore> CreateStoreAsync(TimeProvider clock) => new PostgresRegistryStore(await _db.CreateAsync(clock), "/srv/keel/artifacts");

    public override ValueTask DisposeAsync() => _db.DisposeAsync();
}
