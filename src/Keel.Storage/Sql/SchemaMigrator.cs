using System.Data.Common;
using System.Globalization;
using System.Reflection;
using Keel.Core.Errors;

namespace Keel.Storage.Sql;

/// <summary>One migration: its version (1..n without gaps), name and SQL.</summary>
/// <param name="Version">The version, from the file name's <c>NNNN_</c> prefix.</param>
/// <param name="Name">The rest of the file name, without <c>.sql</c>.</param>
/// <param name="Sql">The script.</param>
public sealed record Migration(int Version, string Name, string Sql);

/// <summary>What differs between backends when migrating: the lock, the version table's SQL, and the schema check.</summary>
internal abstract class MigrationDialect
{
    /// <summary>What a too-new schema is called in the error, e.g. "database schema".</summary>
    public abstract string SchemaNoun { get; }

    /// <summary>Creates the applied-versions table <c>keel_schema</c> when missing.</summary>
    public abstract string SchemaTableSql { get; }

    /// <summary>Takes the lock that keeps other processes from migrating at the same time (none when each migration's transaction is that lock).</summary>
    public virtual Task LockAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Releases <see cref="LockAsync"/>.</summary>
    public virtual Task UnlockAsync(DbConnection connection) => Task.CompletedTask;

    /// <summary>Compares the live schema with the one migrations 1..<paramref name="version"/> create.</summary>
    public abstract Task VerifyAsync(DbConnection connection, int version, CancellationToken cancellationToken);
}

/// <summary>
/// The migration logic every backend shares, over <see cref="DbConnection"/>: discover the embedded
/// <c>NNNN_name.sql</c> scripts, read the applied versions from <c>keel_schema</c>, refuse a schema
/// newer than this Keel, apply each pending script in its own transaction (re-checking inside it,
/// so a process that migrated meanwhile is not repeated), record it, and verify the result.
/// Backends differ only in their <see cref="MigrationDialect"/>: SQLite's lock is the write lock each
/// migration's transaction takes (BEGIN IMMEDIATE); PostgreSQL takes a session advisory lock.
/// </summary>
internal sealed class SchemaMigrator(IReadOnlyList<Migration> scripts, MigrationDialect dialect)
{
    /// <summary>The scripts, by version.</summary>
    public IReadOnlyList<Migration> Scripts { get; } = scripts;

    /// <summary>The schema version this build of Keel writes.</summary>
    public int LatestVersion => Scripts[^1].Version;

    /// <summary>Brings the database to <see cref="LatestVersion"/> and verifies it; returns the version.</summary>
    /// <exception cref="KeelException">INVALID_STATE: the schema is newer than this Keel, or differs from the expected one.</exception>
    public async Task<int> MigrateAsync(DbConnection connection, long now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        await dialect.LockAsync(connection, cancellationToken).ConfigureAwait(false);
        try
        {
            await ExecuteAsync(connection, null, dialect.SchemaTableSql, cancellationToken).ConfigureAwait(false);
            var current = await CurrentVersionAsync(connection, null, cancellationToken).ConfigureAwait(false);
            if (current > LatestVersion)
            {
                throw new KeelException(
                    ErrorCode.InvalidState,
                    $"The {dialect.SchemaNoun} is version {current}, newer than this Keel supports ({LatestVersion}). Upgrade Keel, or point it at another database.");
            }

            foreach (var migration in Scripts)
            {
                if (migration.Version > current)
                {
                    await ApplyAsync(connection, migration, now, cancellationToken).ConfigureAwait(false);
                }
            }

            await dialect.VerifyAsync(connection, LatestVersion, cancellationToken).ConfigureAwait(false);
            return LatestVersion;
        }
        finally
        {
            await dialect.UnlockAsync(connection).ConfigureAwait(false);
        }
    }

    /// <summary>The version recorded in the database (0 for a new one).</summary>
    public static async Task<int> CurrentVersionAsync(DbConnection connection, DbTransaction? transaction, CancellationToken cancellationToken)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = "SELECT COALESCE(MAX(version), 0) FROM keel_schema";
        return Convert.ToInt32(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
    }

    /// <summary>Runs <paramref name="sql"/> on <paramref name="connection"/>.</summary>
    public static async Task ExecuteAsync(DbConnection connection, DbTransaction? transaction, string sql, CancellationToken cancellationToken)
    {
        using var cmd = connection.CreateCommand();
        cmd.Transaction = transaction;
        cmd.CommandText = sql;
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads the embedded <c>NNNN_name.sql</c> resources whose names contain <paramref name="marker"/>, checking the versions run 1..n.</summary>
    public static List<Migration> Load(Assembly assembly, string marker)
    {
        var list = new List<Migration>();
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
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            list.Add(new Migration(version, file[(underscore + 1)..^4], reader.ReadToEnd()));
        }

        list.Sort((a, b) => a.Version.CompareTo(b.Version));
        for (var i = 0; i < list.Count; i++)
        {
            if (list[i].Version != i + 1)
            {
                throw new InvalidOperationException($"Migration versions must be 1..n without gaps; found {list[i].Version} at position {i + 1}.");
            }
        }

        return list;
    }

    private static async Task ApplyAsync(DbConnection connection, Migration migration, long now, CancellationToken cancellationToken)
    {
        var tx = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using (tx.ConfigureAwait(false))
        {
            // Inside the lock: another process may have applied it since the version was read.
            if (await CurrentVersionAsync(connection, tx, cancellationToken).ConfigureAwait(false) >= migration.Version)
            {
                return;
            }

            await ExecuteAsync(connection, tx, migration.Sql, cancellationToken).ConfigureAwait(false);
            using (var record = connection.CreateCommand())
            {
                record.Transaction = tx;
                record.CommandText = "INSERT INTO keel_schema (version, name, applied_at) VALUES (@v, @n, @t)";
                Add(record, "@v", migration.Version);
                Add(record, "@n", migration.Name);
                Add(record, "@t", now);
                await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static void Add(DbCommand cmd, string name, object value)
    {
        var parameter = cmd.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        cmd.Parameters.Add(parameter);
    }
}
