using Keel.Core.Registry;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Tests.Approvals;

public sealed class SqliteApprovalStoreTests : ApprovalStoreComplianceTests
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-approvals-").FullName;
    private SqliteTrackingStore? _database;

    protected override Task<IRegistryStore> CreateStoreAsync()
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), Clock);
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
