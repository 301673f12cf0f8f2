using Keel.Core.Tracking;
using Keel.Storage.Postgres;
using Keel.Storage.Tests.Postgres;
using Keel.Testing.Postgres;

namespace Keel.Storage.Tests.Tracking;

public sealed class PostgresTrackingStoreTests(PostgresServer server) : TrackingStoreComplianceTests
{
    private readonly PostgresTestDatabase _db = new(server);

    protected override async Task<ITrackingStore> CreateStoreAsync() =>
        new PostgresTrackingStore(await _db.CreateAsync(TimeProvider.System), "/tmp/keel-artifacts");

    protected override async Task<ITrackingStore> ReopenStoreAsync(ITrackingStore store) =>
        new PostgresTrackingStore(await _db.ReopenAsync(TimeProvider.System), "/tmp/keel-artifacts");

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        await _db.DisposeAsync();
    }
}
