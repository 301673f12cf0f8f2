using System.Globalization;
using System.Reflection;
using Keel.Core.Errors;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// Versioned schema migrations for PostgreSQL, embedded as <c>Migrations/NNNN_name.sql</c> (their own
/// numbering, apart from SQLite's). They run under a session advisory lock, each in its own
/// transaction, and record their version in <c>keel_schema</c>. Then the live schema is compared with
/// the one the migrations create in a scratch schema that is rolled back, so a database changed
/// outside Keel is refused (as MLflow's <c>_verify_schema</c> does).
/// </summary>
public static class PostgresMigrator
{
    /// <summary>The advisory lock key every Keel process takes to migrate ("KEELMIGR").</summary>
    internal const long LockKey = 0x4B45454C4D494752;

    internal const string SchemaTable = "CREATE TABLE IF NOT EXISTS keel_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)";

    private static readonly Lazy<IReadOnlyList<(int Version, string Name, string Sql)>> Scripts = new(LoadScripts);
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Server, int Version), HashSet<string>> Expected = new();

    /// <summary>The schema version this build of Keel writes.</summary>
    public static int LatestVersion => Scripts.Value[^1].Version;

    /// <summary>The versions of the embedded migrations, ascending (numbers allocated ahead of time may leave gaps).</summary>
    internal static IReadOnlyList<int> Versions => [.. Scripts.Value.Select(s => s.Version)];

    /// <summary>Brings the database to <see cref="LatestVersion"/> and verifies it; returns the version.</summary>
    /// <exception cref="KeelException">INVALID_STATE: the database is newer than this Keel, or its schema differs.</exception>
    public static async Task<int> MigrateAsync(NpgsqlConnection connection, long now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await ExecuteAsync(connection, null, $"SELECT pg_advisory_lock({LockKey})", cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, SchemaTable, cancellationToken).ConfigureAwait(false);
            var current = await CurrentVersionAsync(connection, cancellationToken).ConfigureAwait(false);
            if (current > LatestVersion)
            {
                throw new KeelException(
                    ErrorCode.InvalidState,
                    $"The PostgreSQL schema is version {current}, newer than this Keel supports ({LatestVersion}). Upgrade Keel, or point it at another database.");
            }

            foreach (var (version, name, sql) in Scripts.Value)
            {
                if (version <= current)
                {
                    continue;
                }

                var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (tx.ConfigureAwait(false))
                {
                    await ExecuteAsync(connection, tx, sql, cancellationToken).ConfigureAwait(false);
                    using var record = new NpgsqlCommand("INSERT INTO keel_schema (version, name, applied_at) VALUES (@v, @n, @t)", connection, tx);
                    record.Parameters.AddWithValue("v", version);
                    record.Parameters.AddWithValue("n", name);
                    record.Parameters.AddWithValue("t", now);
                    await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                    await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await VerifyAsync(connection, LatestVersion, cancellationToken).ConfigureAwait(false);
            return LatestVersion;
        }
        finally
        {
            await ExecuteAsync(connection, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>The version recorded in the database (0 for a new one).</summary>
    public static async Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        using var cmd = new NpgsqlCommand("SELECT COALESCE(MAX(version), 0) FROM keel_schema", connection);
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>Compares the live schema with the one migrations 1..<paramref name="version"/> create.</summary>
    /// <exception cref="KeelException">INVALID_STATE naming what is missing, different or unexpected.</exception>
    public static async Task VerifyAsync(NpgsqlConnection connection, int version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        var have = await PostgresSchema.SnapshotAsync(connection, null, null, cancellationToken).ConfigureAwait(false);
        var want = await ExpectedAsync(connection, version, cancellationToken).ConfigureAwait(false);
        var missing = want.Except(have).Order(StringComparer.Ordinal).ToList();
        var extra = have.Except(want).Order(StringComparer.Ordinal).ToList();
        if (missing.Count > 0 || extra.Count > 0)
        {
            var detail = string.Join("; ", missing.Select(m => "missing or different: " + m).Concat(extra.Select(e => "unexpected: " + e)));
            throw new KeelException(ErrorCode.InvalidState, $"The PostgreSQL schema does not match Keel's schema version {version} ({detail}). It was changed outside Keel.");
        }
    }

    /// <summary>
    /// The schema migrations 1..<paramref name="version"/> create on this server, built once per process
    /// and server version (it depends on nothing else).
    /// </summary>
    private static async Task<HashSet<string>> ExpectedAsync(NpgsqlConnection connection, int version, CancellationToken cancellationToken)
    {
        var key = (connection.PostgreSqlVersion.ToString(), version);
        if (Expected.TryGetValue(key, out var cached))
        {
            return cached;
        }

        HashSet<string> want;
        var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            // DDL is transactional: build the expected schema in a scratch schema, read it, roll it back.
            var scratch = "keel_verify_" + Guid.NewGuid().ToString("N");
            await ExecuteAsync(connection, tx, $"CREATE SCHEMA {scratch}; SET LOCAL search_path = {scratch}", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, tx, SchemaTable, cancellationToken).ConfigureAwait(false);
            foreach (var (v, _, sql) in Scripts.Value)
            {
                if (v <= version)
                {
                    await ExecuteAsync(connection, tx, sql, cancellationToken).ConfigureAwait(false);
                }
            }

            want = await PostgresSchema.SnapshotAsync(connection, tx, scratch, cancellationToken).ConfigureAwait(false);
            await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
        }

        Expected[key] = want;
        return want;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string sql, CancellationToken cancellationToken)
    {
        using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static List<(int, string, string)> LoadScripts()
    {
        var assembly = typeof(PostgresMigrator).Assembly;
        const string marker = ".Migrations.";
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
            // Numbers are allocated to work in progress ahead of time, so a branch may hold 8 before 6
            // and 7 land; each number must still be used once.
            if (list[i].Item1 < 1 || (i > 0 && list[i].Item1 == list[i - 1].Item1))
            {
                throw new InvalidOperationException($"Migration versions must be distinct and positive; found {list[i].Item1} twice or out of range.");
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
