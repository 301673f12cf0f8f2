using Keel.Core.Registry;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Search;

public sealed class SqliteRegistrySearchStoreTests : RegistrySearchStoreTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-regsearch-").FullName;
    private SqliteTrackingStore? _database;

    protected override Task<IRegistryStore> CreateStoreAsync(TimeProvider clock)
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), clock);
        return Task.FromResult<IRegistryStore>(new SqliteRegistryStore(_database.Database, _database.ArtifactRoot));
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
