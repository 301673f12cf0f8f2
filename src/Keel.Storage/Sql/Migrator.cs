using System.Globalization;
using System.Reflection;
using Keel.Core.Errors;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sql;

/// <summary>
/// Versioned schema migrations for SQLite, embedded as <c>Sql/Migrations/Sqlite/NNNN_name.sql</c>.
/// Each migration runs in its own transaction and records its version in <c>keel_schema</c>.
/// After migrating, the live schema is compared with a freshly migrated in-memory database
/// (as MLflow's <c>_verify_schema</c> does), so a hand-edited or foreign database is refused.
/// </summary>
public static class Migrator
{
    private static readonly Lazy<IReadOnlyList<(int Version, string Name, string Sql)>> Scripts = new(LoadScripts);

    /// <summary>The schema version this build of Keel writes.</summary>
    public static int LatestVersion => Scripts.Value[^1].Version;

    /// <summary>Brings the database to <see cref="LatestVersion"/> and verifies it.</summary>
    /// <exception cref="KeelException">The database is newer than this Keel, or its schema differs.</exception>
    public static void Migrate(SqliteConnection connection, long now)
    {
        ArgumentNullException.ThrowIfNull(connection);
        Execute(connection, "CREATE TABLE IF NOT EXISTS keel_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        var current = CurrentVersion(connection);
        if (current > LatestVersion)
        {
            throw new KeelException(
                ErrorCode.InvalidState,
                $"The database schema is version {current}, newer than this Keel supports ({LatestVersion}). Upgrade Keel, or point it at another database.");
        }

        foreach (var (version, name, sql) in Scripts.Value)
        {
            if (version <= current)
            {
                continue;
            }

            using var tx = connection.BeginTransaction();
            using (var cmd = connection.CreateCommand())
            {
                cmd.Transaction = tx;
                cmd.CommandText = sql;
                cmd.ExecuteNonQuery();
                cmd.CommandText = "INSERT INTO keel_schema (version, name, applied_at) VALUES ($v, $n, $t)";
                cmd.Parameters.AddWithValue("$v", version);
                cmd.Parameters.AddWithValue("$n", name);
                cmd.Parameters.AddWithValue("$t", now);
                cmd.ExecuteNonQuery();
            }

            tx.Commit();
        }

        Verify(connection);
    }

    /// <summary>The version recorded in the database (0 for a new one).</summary>
    public static int CurrentVersion(SqliteConnection connection)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT COALESCE(MAX(version), 0) FROM keel_schema";
        return Convert.ToInt32(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    /// <summary>Compares the live schema with the expected one.</summary>
    public static void Verify(SqliteConnection connection) => Verify(connection, LatestVersion);

    /// <summary>Compares the live schema with the one migrations 1..<paramref name="version"/> create.</summary>
    /// <exception cref="KeelException">INVALID_STATE naming what is missing, different or unexpected.</exception>
    public static void Verify(SqliteConnection connection, int version)
    {
        using var expected = new SqliteConnection("Data Source=:memory:");
        expected.Open();
        Execute(expected, "CREATE TABLE IF NOT EXISTS keel_schema (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)");
        foreach (var (v, _, sql) in Scripts.Value)
        {
            if (v <= version)
            {
                Execute(expected, sql);
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

    private static List<(int, string, string)> LoadScripts()
    {
        var assembly = typeof(Migrator).Assembly;
        const string marker = ".Sql.Migrations.Sqlite.";
        var list = new List<(int, string, string)>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var at = resource.IndexOf(marker, StringComparison.Ordinal);
            if (at < 0 || !resource.EndsWith(".sql", StringComparison.Ordinal))
            {
                continue;
            }

            var file = resource[(at + marker.Length)..];
            var underscore = file.IndexOf('_', StringComparison.Ordinal);
            var version = int.Parse(file[..underscore], CultureInfo.InvariantCulture);
            list.Add((version, file[(underscore + 1)..^4], Read(assembly, resource)));
        }

        list.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Item1 != i + 1)
            {
                throw new InvalidOperationException($"Migration versions must be 1..n without gaps; found {list[i].Item1} at position {i + 1}.");
            }
        }

        return list;
    }

    private static string Read(Assembly assembly, string resource)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
