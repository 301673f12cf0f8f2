using System.Data.Common;
using Keel.Core.Errors;
using Keel.Storage.Sql;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// Versioned schema migrations for PostgreSQL, embedded as <c>Migrations/NNNN_name.sql</c> (their own
/// numbering, apart from SQLite's), applied by the shared <see cref="SchemaMigrator"/>. They run under a session advisory lock, each in its own
/// transaction, and record their version in <c>keel_schema</c>. Then the live schema is compared with
/// the one the migrations create in a scratch schema that is rolled back, so a database changed
/// outside Keel is refused (as MLflow's <c>_verify_schema</c> does).
/// </summary>
public static class PostgresMigrator
{
    /// <summary>The advisory lock key every Keel process takes to migrate ("KEELMIGR").</summary>
    internal const long LockKey = 0x4B45454C4D494752;

    internal const string SchemaTable = "CREATE TABLE IF NOT EXISTS keel_schema (version integer PRIMARY KEY, name text NOT NULL, applied_at bigint NOT NULL)";

    private static readonly Lazy<SchemaMigrator> Core = new(() => new SchemaMigrator(SchemaMigrator.Load(typeof(PostgresMigrator).Assembly, ".Migrations."), new PostgresDialect()));
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<(string Server, int Version), HashSet<string>> Expected = new();

    /// <summary>The schema version this build of Keel writes.</summary>
    public static int LatestVersion => Core.Value.LatestVersion;

    /// <summary>Brings the database to <see cref="LatestVersion"/> and verifies it; returns the version.</summary>
    /// <exception cref="KeelException">INVALID_STATE: the database is newer than this Keel, or its schema differs.</exception>
    public static Task<int> MigrateAsync(NpgsqlConnection connection, long now, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Core.Value.MigrateAsync(connection, now, cancellationToken);
    }

    /// <summary>The version recorded in the database (0 for a new one).</summary>
    public static Task<int> CurrentVersionAsync(NpgsqlConnection connection, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return SchemaMigrator.CurrentVersionAsync(connection, null, cancellationToken);
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
            foreach (var migration in Core.Value.Scripts)
            {
                if (migration.Version <= version)
                {
                    await ExecuteAsync(connection, tx, migration.Sql, cancellationToken).ConfigureAwait(false);
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

    /// <summary>PostgreSQL's side of migrating: a session advisory lock around the whole run, and the scratch-schema check.</summary>
    private sealed class PostgresDialect : MigrationDialect
    {
        public override string SchemaNoun => "PostgreSQL schema";

        public override string SchemaTableSql => SchemaTable;

        public override Task LockAsync(DbConnection connection, CancellationToken cancellationToken) =>
            ExecuteAsync((NpgsqlConnection)connection, null, $"SELECT pg_advisory_lock({LockKey})", cancellationToken);

        public override Task UnlockAsync(DbConnection connection) =>
            ExecuteAsync((NpgsqlConnection)connection, null, $"SELECT pg_advisory_unlock({LockKey})", CancellationToken.None);

        public override Task VerifyAsync(DbConnection connection, int version, CancellationToken cancellationToken) =>
            PostgresMigrator.VerifyAsync((NpgsqlConnection)connection, version, cancellationToken);
    }
}
