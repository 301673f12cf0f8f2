using Keel.Core.Errors;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>One check of <see cref="SqliteStoreCheck.Run"/>: its name and what it found (nothing when it passed).</summary>
/// <param name="Name">integrity, foreign_keys or schema.</param>
/// <param name="Problems">What is wrong; empty when the check passed.</param>
public sealed record StoreCheckResult(string Name, IReadOnlyList<string> Problems)
{
    /// <summary>Whether the check passed.</summary>
    public bool Ok => Problems.Count == 0;
}

/// <summary>What <c>keel admin check</c> found in a database.</summary>
/// <param name="DatabasePath">The file checked.</param>
/// <param name="SchemaVersion">The version recorded in the file (0 when it has none).</param>
/// <param name="LatestSchemaVersion">The version this Keel writes.</param>
/// <param name="Checks">integrity, foreign_keys and schema, in that order.</param>
public sealed record StoreCheckReport(string DatabasePath, int SchemaVersion, int LatestSchemaVersion, IReadOnlyList<StoreCheckResult> Checks)
{
    /// <summary>Whether every check passed.</summary>
    public bool Healthy => Checks.All(c => c.Ok);
}

/// <summary>
/// The full check of a SQLite store, for <c>keel admin check</c>: SQLite's
/// <c>PRAGMA integrity_check</c> (every page and every index against its table),
/// <c>PRAGMA foreign_key_check</c>, and Keel's schema verification. It only reads: the file is
/// neither created nor migrated, and it may run while a server uses the store.
/// </summary>
public static class SqliteStoreCheck
{
    /// <summary>At most this many problems per check are listed.</summary>
    public const int MaxProblems = 100;

    /// <summary>Checks the database at <paramref name="databasePath"/>.</summary>
    /// <exception cref="KeelException">RESOURCE_DOES_NOT_EXIST when there is no such file.</exception>
    public static StoreCheckReport Run(string databasePath)
    {
        ArgumentNullException.ThrowIfNull(databasePath);
        var path = Path.GetFullPath(databasePath);
        var file = new FileInfo(path);
        if (!file.Exists)
        {
            throw KeelException.NotFound($"No database file at '{path}'.");
        }

        if (file.Length == 0)
        {
            return new StoreCheckReport(path, 0, Migrator.LatestVersion, [new StoreCheckResult("integrity", ["the file is empty (0 bytes): it is not a Keel store"])]);
        }

        var connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString();
        using var connection = new SqliteConnection(connectionString);
        connection.Open();
        var checks = new List<StoreCheckResult>();
        var integrity = Guarded(() => SqliteStoreChecks.Integrity(connection, "integrity_check", MaxProblems));
        checks.Add(new StoreCheckResult("integrity", integrity));
        checks.Add(new StoreCheckResult("foreign_keys", Guarded(() => ForeignKeys(connection))));
        var version = 0;
        var schema = Guarded(() =>
        {
            version = HasSchemaTable(connection) ? Migrator.CurrentVersion(connection) : 0;
            if (version == 0)
            {
                return ["no keel_schema table: this is not a Keel database"];
            }

            if (version > Migrator.LatestVersion)
            {
                return [$"schema version {version} is newer than this Keel supports ({Migrator.LatestVersion}); check it with a newer keel"];
            }

            Migrator.Verify(connection, version);
            return [];
        });
        checks.Add(new StoreCheckResult("schema", schema));
        return new StoreCheckReport(path, version, Migrator.LatestVersion, checks);
    }

    /// <summary>A check that cannot even run (the file is not a database, a page cannot be read) reports why as its problem.</summary>
    private static List<string> Guarded(Func<List<string>> check)
    {
        try
        {
            return check();
        }
        catch (SqliteException e)
        {
            return [e.Message];
        }
        catch (KeelException e)
        {
            return [e.Message];
        }
    }

    private static List<string> ForeignKeys(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA foreign_key_check";
        cmd.CommandTimeout = 0;
        var problems = new List<string>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read() && problems.Count < MaxProblems)
        {
            // table, rowid (NULL for WITHOUT ROWID tables), parent table, foreign key index.
            var row = reader.IsDBNull(1) ? "a row" : "row " + reader.GetInt64(1).ToString(System.Globalization.CultureInfo.InvariantCulture);
            problems.Add($"{reader.GetString(0)}: {row} refers to a missing {reader.GetString(2)} row");
        }

        return problems;
    }

    private static bool HasSchemaTable(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'keel_schema'";
        return Convert.ToInt64(cmd.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) > 0;
    }
}
