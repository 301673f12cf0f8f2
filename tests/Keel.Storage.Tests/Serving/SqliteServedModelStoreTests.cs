using Keel.Core.Serving;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Serving;

public sealed class SqliteServedModelStoreTests : ServedModelStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-served-").FullName;
    private SqliteTrackingStore? _database;

    protected override Task<IServedModelStore> CreateStoreAsync()
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        return Task.FromResult<IServedModelStore>(new SqliteServedModelStore(_database.Database));
    }

    protected override async Task<IServedModelStore> ReopenStoreAsync()
    {
        await _database!.DisposeAsync();
        SqliteConnection.ClearAllPools();
        return await CreateStoreAsync();
    }

    public override async ValueTask DisposeAsync()
    {
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}
