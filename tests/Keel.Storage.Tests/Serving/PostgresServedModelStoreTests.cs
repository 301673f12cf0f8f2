using Keel.Core.Serving;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;

namespace Keel.Storage.Tests.Serving;

public sealed class PostgresServedModelStoreTests(PostgresServer server) : ServedModelStoreComplianceTests
{
    private readonly PostgresTestDatabase _db = new(server);

    protected override async Task<IServedModelStore> CreateStoreAsync() => new PostgresServedModelStore(await _db.CreateAsync(TimeProvider.System));

    protected override async Task<IServedModelStore> ReopenStoreAsync() => new PostgresServedModelStore(await _db.ReopenAsync(TimeProvider.System));

    public override ValueTask DisposeAsync() => _db.DisposeAsync();
}
