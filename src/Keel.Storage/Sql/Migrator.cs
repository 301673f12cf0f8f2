using System.Data.Common;
using Keel.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sql;

/// <summary>
/// Versioned schema migrations for SQLite, embedded as <c>Sql/Migrations/Sqlite/NNNN_name.sql</c>,
/// applied by the shared <see cref="SchemaMigrator"/>: each migration runs in its own transaction
/// (BEGIN IMMEDIATE: SQLite's write lock is the migration lock) and records its version in
/// <c>keel_schema</c>. After migrating, the live schema is compared with a freshly migrated
/// in-memory database (as MLflow's <c>_verify_schema</c> does), so a hand-edited or foreign
/// database is refused.
/// </summary>
public static class Migrator
{
    private const string SchemaTable = "CREATE TABLE IF NOT EXISTS keel_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";

    private static readonly Lazy<SchemaMigrator> Core = new(() => new SchemaMigrator(SchemaMigrator.Load(typeof(Migrator).Assembly, ".Sql.Migrations.Sqlite."), new SqliteDialect()));

    /// <summary>The schema version this build of Keel writes.</summary>
    public static int LatestVersion => Core.Value.LatestVersion;

    /// <summary>Brings the database to <see cref="LatestVersion"/> and verifies it.</summary>
    /// <exception cref="KeelException">The database is newer than this Keel, or its schema differs.</exception>
    public static void Migrate(SqliteConnection connection, long now)
    {
        ArgumentNullException.ThrowIfNull(connection);

        // Microsoft.Data.Sqlite runs its async methods synchronously: this does not block a thread pool thread on I/O it could have yielded.
        Core.Value.MigrateAsync(connection, now, CancellationToken.None).GetAwaiter().GetResult();
    }

    /// <summary>The version recorded in the database (0 for a new one).</summary>
    public static int CurrentVersion(SqliteConnection connection) =>
        SchemaMigrator.CurrentVersionAsync(connection, null, CancellationToken.None).GetAwaiter().GetResult();

    /// <summary>Compares the live schema with the expected one.</summary>
    public static void Verify(SqliteConnection connection) => Verify(connection, LatestVersion);

    /// <summary>Compares the live schema with the one migrations 1..<paramref name="version"/> create.</summary>
    /// <exception cref="KeelException">INVALID_STATE naming what is missing, different or unexpected.</exception>
    public static void Verify(SqliteConnection connection, int version)
    {
        using var expected = new SqliteConnection("Data Source=:memory:");
        expected.Open();
        Execute(expected, SchemaTable);
        foreach (var migration in Core.Value.Scripts)
        {
            if (migration.Version <= version)
            {
                Execute(expected, migration.Sql);
            }
        }

        var want = SchemaOf(expected);
        var have = SchemaOf(connection);
        var missing = want.Except(have).ToList();
        var extra = have.Except(want).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            var detail = string.Join("; ", missing.Select(m => "missing or different: " + m.Split('|')[1]).Concat(extra.Select(e => "unexpected: " + e.Split('|')[1])));
            throw new KeelException(ErrorCode.InvalidState, $"The database schema does not match Keel's schema version {version} ({detail}). It was changed outside Keel.");
        }
    }

    private static HashSet<string> SchemaOf(SqliteConnection connection)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT type, name, COALESCE(sql, '') FROM sqlite_master WHERE name NOT LIKE 'sqlite_%' ORDER BY name";
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            var sql = string.Join(' ', reader.GetString(2).Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
            set.Add($"{reader.GetString(0)}|{reader.GetString(1)}|{sql}");
        }

        return set;
    }

    private static void Execute(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private sealed class SqliteDialect : MigrationDialect
    {
        public override string SchemaNoun => "database schema";

        public override string SchemaTableSql => SchemaTable;

        public override Task VerifyAsync(DbConnection connection, int version, CancellationToken cancellationToken)
        {
            Verify((SqliteConnection)connection, version);
            return Task.CompletedTask;
        }
    }
}
