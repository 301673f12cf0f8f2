using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Server.Tests.Rules;

/// <summary>The rules through the local SQLite store, as <c>keel train --backend-store-uri sqlite:///...</c> writes.</summary>
public sealed class LocalStoreInputRulesTests : InputRulesSuite
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-rules-local-").FullName;
    private SqliteTrackingStore? _tracking;
    private SqliteRegistryStore? _registry;

    protected override ITrackingStore Tracking => _tracking!;

    protected override IRegistryStore Registry => _registry!;

    public override ValueTask InitializeAsync()
    {
        _tracking = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        _registry = new SqliteRegistryStore(_tracking.Database, _tracking.ArtifactRoot);
        return ValueTask.CompletedTask;
    }

    public override async ValueTask DisposeAsync()
    {
        if (_tracking is not null)
        {
            await _tracking.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
        await base.DisposeAsync();
    }
}
