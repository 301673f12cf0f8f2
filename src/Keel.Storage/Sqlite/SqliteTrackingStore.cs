namespace Keel.Storage.Sqlite;

/// <summary>The SQLite tracking store (in progress).</summary>
public sealed partial class SqliteTrackingStore(string databasePath, string artifactRoot, TimeProvider time)
{
    public string DatabasePath { get; } = databasePath;

    public string ArtifactRoot { get; } = artifactRoot;

    public TimeProvider Time { get; } = time;
}
