using Keel.Core.Tracking;
using Keel.Stores;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Tracking;

/// <summary>
/// The tracking compliance suite on the SQLite tracking store as the server and the CLI open it: through
/// <see cref="StoreFactory"/>, on a <see cref="Keel.Storage.Sqlite.SqliteDatabase"/> it shares with the other stores
/// (its run cache and metric sequence kept through the database's batch hooks).
/// </summary>
public sealed class FactorySqliteTrackingStoreTests : TrackingStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-factory-store-").FullName;
    private readonly List<KeelStores> _opened = [];

    protected override Task<ITrackingStore> CreateStoreAsync()
    {
        var stores = StoreFactory.Open("sqlite:///" + Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"));
        _opened.Add(stores);
        return Task.FromResult(stores.Tracking);
    }

    protected override async Task<ITrackingStore> ReopenStoreAsync(ITrackingStore store)
    {
        var stores = _opened.Single(s => ReferenceEquals(s.Tracking, store));
        _opened.Remove(stores);
        await stores.DisposeAsync();
        return await CreateStoreAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        foreach (var stores in _opened)
        {
            await stores.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
