using System.Buffers;
using System.Diagnostics;
using System.IO.Hashing;
using Keel.Core.Errors;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Keel.Storage.Postgres.Transfer;

/// <summary>
/// Moves an embedded store (one SQLite file) into an empty PostgreSQL database, table by table with
/// binary COPY, in ONE PostgreSQL transaction: every table's rows are read back and compared with
/// the source by count and an order-independent 128-bit checksum before the commit, so the target
/// either holds an exact copy or is left as it was. The source is read in one snapshot (a read
/// transaction), so a server still writing to it cannot tear the copy; it is never written to, except
/// that an older Keel schema is first brought to this Keel's version, as any Keel start does.
/// Artifacts do not move: they stay where the artifact root points.
/// </summary>
public static class SqliteToPostgres
{
    /// <summary>SQLite's table of counters shared by processes (<c>metric_seq</c>); PostgreSQL keeps them as sequences.</summary>
    internal const string CountersTable = "keel_meta";

    /// <summary>Moves the store at <paramref name="sqlitePath"/> into the database at <paramref name="postgresAddress"/>.</summary>
    /// <param name="sqlitePath">The SQLite file (it must exist).</param>
    /// <param name="postgresAddress">A <c>postgresql://</c> URI or Npgsql connection string of a database with no Keel rows.</param>
    /// <param name="progress">Told each table as it is verified.</param>
    /// <param name="cancellationToken">Cancels (and rolls back) the move.</param>
    /// <returns>The report; <see cref="StoreTransferReport.Committed"/> is false when a table did not verify (then nothing was written).</returns>
    /// <exception cref="KeelException">
    /// RESOURCE_DOES_NOT_EXIST: no such file. INVALID_STATE: the target already holds Keel rows, the source
    /// is damaged, or a value or table cannot be stored in PostgreSQL as it is (nothing is moved).
    /// </exception>
    public static async Task<StoreTransferReport> MoveAsync(string sqlitePath, string postgresAddress, IProgress<TableTransfer>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(sqlitePath);
        ArgumentNullException.ThrowIfNull(postgresAddress);
        var clock = Stopwatch.StartNew();
        var path = Path.GetFullPath(sqlitePath);
        if (!File.Exists(path))
        {
            throw KeelException.NotFound($"No SQLite store at {path}.");
        }

        var version = BringToCurrentSchema(path);
        var database = await PostgresDatabase.OpenAsync(postgresAddress, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (database.ConfigureAwait(false))
        {
            using var source = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
            source.Open();
            CheckIntegrity(source, path);
            using var snapshot = source.BeginTransaction(deferred: true);
            var target = await database.DataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            await using (target.ConfigureAwait(false))
            {
                var tx = await target.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                await using (tx.ConfigureAwait(false))
                {
                    var (tables, skipped) = await TransferPlan.BuildAsync(source, target, tx, cancellationToken).ConfigureAwait(false);
                    await LockAndRequireEmptyAsync(target, tx, tables, cancellationToken).ConfigureAwait(false);
                    var moved = new List<TableTransfer>();
                    foreach (var table in tables)
                    {
                        var (rows, sum) = await CopyAsync(source, snapshot, target, table, cancellationToken).ConfigureAwait(false);
                        await ResetSequencesAsync(target, tx, table, cancellationToken).ConfigureAwait(false);
                        var (backRows, backSum) = await ReadBackAsync(target, tx, table, cancellationToken).ConfigureAwait(false);
                        var result = new TableTransfer(table.Name, rows, backRows, sum, backSum);
                        moved.Add(result);
                        progress?.Report(result);
                    }

                    moved.AddRange(await MoveCountersAsync(source, snapshot, target, tx, cancellationToken).ConfigureAwait(false));
                    var committed = moved.All(t => t.Verified);
                    if (committed)
                    {
                        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await tx.RollbackAsync(cancellationToken).ConfigureAwait(false);
                    }

                    return new StoreTransferReport(path, version, database.SchemaVersion, moved, skipped, committed, clock.Elapsed);
                }
            }
        }
    }

    private static int BringToCurrentSchema(string path)
    {
        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWrite, Pooling = false, DefaultTimeout = 30 }.ToString());
        connection.Open();
        Migrator.Migrate(connection, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        return Migrator.CurrentVersion(connection);
    }

    private static void CheckIntegrity(SqliteConnection source, string path)
    {
        using var cmd = source.CreateCommand();
        cmd.CommandText = "PRAGMA quick_check";
        var result = cmd.ExecuteScalar() as string;
        if (!string.Equals(result, "ok", StringComparison.Ordinal))
        {
            throw new KeelException(ErrorCode.InvalidState, $"The SQLite store {path} is damaged ({result}); run keel admin check and restore it from a backup before moving it.");
        }
    }

    /// <summary>Locks every target table against other writers for the move, and refuses a database that already holds Keel rows.</summary>
    private static async Task LockAndRequireEmptyAsync(NpgsqlConnection target, NpgsqlTransaction tx, IReadOnlyList<TransferTable> tables, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", tables.Select(t => Quote(t.Name)));
        using (var lockAll = new NpgsqlCommand($"LOCK TABLE {names} IN EXCLUSIVE MODE", target, tx))
        {
            await lockAll.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        var full = new List<string>();
        foreach (var table in tables)
        {
            using var any = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {Quote(table.Name)})", target, tx);
            if ((bool)(await any.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!)
            {
                full.Add(table.Name);
            }
        }

        if (full.Count > 0)
        {
            throw new KeelException(ErrorCode.InvalidState, $"The PostgreSQL database already holds Keel data (in {string.Join(", ", full)}); move into an empty database. Nothing was moved.");
        }
    }

    private static async Task<(long Rows, string Checksum)> CopyAsync(SqliteConnection source, SqliteTransaction snapshot, NpgsqlConnection target, TransferTable table, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", table.Columns.Select(c => Quote(c.Name)));
        var read = table.Columns.Where(c => c.Derive is null).Select(c => c.Name).ToList();
        var ordinal = table.Columns.Select(c => c.Derive is null ? read.IndexOf(c.Name) : -1).ToArray();
        var derivedFrom = table.Columns.Select(c => c.DerivedFrom is { } from ? table.Columns.ToList().FindIndex(x => x.Name == from) : -1).ToArray();
        using var select = source.CreateCommand();
        select.Transaction = snapshot;
        select.CommandText = $"SELECT {string.Join(", ", read.Select(c => "\"" + c + "\""))} FROM \"{table.Name}\"";
        using var reader = select.ExecuteReader();
        var checksum = new RowChecksum(table);
        var values = new object?[table.Columns.Count];
        var writer = await target.BeginBinaryImportAsync($"COPY {Quote(table.Name)} ({columns}) FROM STDIN (FORMAT BINARY)", cancellationToken).ConfigureAwait(false);
        await using (writer.ConfigureAwait(false))
        {
            while (reader.Read())
            {
                for (var i = 0; i < values.Length; i++)
                {
                    if (ordinal[i] >= 0)
                    {
                        values[i] = table.Columns[i].Convert(reader.IsDBNull(ordinal[i]) ? null : reader.GetValue(ordinal[i]), table.Name);
                    }
                }

                for (var i = 0; i < values.Length; i++)
                {
                    if (table.Columns[i].Derive is { } derive)
                    {
                        values[i] = derive(values[derivedFrom[i]]);
                    }
                }

                await writer.StartRowAsync(cancellationToken).ConfigureAwait(false);
                for (var i = 0; i < values.Length; i++)
                {
                    if (values[i] is { } value)
                    {
                        await writer.WriteAsync(value, table.Columns[i].DbType, cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        await writer.WriteNullAsync(cancellationToken).ConfigureAwait(false);
                    }
                }

                checksum.Add(values);
            }

            await writer.CompleteAsync(cancellationToken).ConfigureAwait(false);
        }

        return (checksum.Rows, checksum.Hex);
    }

    /// <summary>
    /// Each SQLite counter (the next value to hand out) becomes the PostgreSQL sequence of the same
    /// name, so the next value PostgreSQL hands out is the one SQLite would have; each is reported as a
    /// one-row "table" <c>keel_meta.NAME</c>, verified by reading the sequence back.
    /// </summary>
    private static async Task<List<TableTransfer>> MoveCountersAsync(SqliteConnection source, SqliteTransaction snapshot, NpgsqlConnection target, NpgsqlTransaction tx, CancellationToken cancellationToken)
    {
        var counters = new List<(string Name, long Next)>();
        using (var read = source.CreateCommand())
        {
            read.Transaction = snapshot;
            read.CommandText = $"SELECT key, value FROM {CountersTable} ORDER BY key";
            using var reader = read.ExecuteReader();
            while (reader.Read())
            {
                counters.Add((reader.GetString(0), reader.GetInt64(1)));
            }
        }

        var moved = new List<TableTransfer>();
        foreach (var (name, next) in counters)
        {
            using var exists = new NpgsqlCommand("SELECT to_regclass(@n) IS NOT NULL AND (SELECT relkind FROM pg_class WHERE oid = to_regclass(@n)) = 'S'", target, tx);
            exists.Parameters.AddWithValue("n", name);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not true)
            {
                throw new KeelException(ErrorCode.InvalidState, $"The SQLite counter {CountersTable}.{name} has no PostgreSQL sequence of that name. Nothing was moved.");
            }

            using var set = new NpgsqlCommand("SELECT setval(@n, @v, false)", target, tx);
            set.Parameters.AddWithValue("n", name);
            set.Parameters.AddWithValue("v", Math.Max(1, next));
            await set.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            using var back = new NpgsqlCommand($"SELECT CASE WHEN is_called THEN last_value + 1 ELSE last_value END FROM {Quote(name)}", target, tx);
            var readBack = (long)(await back.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            moved.Add(new TableTransfer($"{CountersTable}.{name}", 1, 1, Math.Max(1, next).ToString(System.Globalization.CultureInfo.InvariantCulture), readBack.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        return moved;
    }

    /// <summary>Sets every identity or serial column's sequence past the largest value copied, so new rows do not collide.</summary>
    private static async Task ResetSequencesAsync(NpgsqlConnection target, NpgsqlTransaction tx, TransferTable table, CancellationToken cancellationToken)
    {
        foreach (var column in table.Columns.Where(c => c.Identity))
        {
            using var cmd = new NpgsqlCommand(
                $"SELECT setval(pg_get_serial_sequence(@t, @c), COALESCE(MAX({Quote(column.Name)}), 0) + 1, false) FROM {Quote(table.Name)}", target, tx);
            cmd.Parameters.AddWithValue("t", Quote(table.Name));
            cmd.Parameters.AddWithValue("c", column.Name);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<(long Rows, string Checksum)> ReadBackAsync(NpgsqlConnection target, NpgsqlTransaction tx, TransferTable table, CancellationToken cancellationToken)
    {
        var checksum = new RowChecksum(table);
        var values = new object?[table.Columns.Count];
        using var cmd = new NpgsqlCommand($"SELECT {string.Join(", ", table.Columns.Select(c => Quote(c.Name)))} FROM {Quote(table.Name)}", target, tx);
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                for (var i = 0; i < values.Length; i++)
                {
                    values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
                }

                checksum.Add(values);
            }
        }

        return (checksum.Rows, checksum.Hex);
    }

    private static string Quote(string identifier) => "\"" + identifier.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>
    /// An order-independent checksum of a table's rows: each row's canonical bytes are hashed
    /// (XXH128) and the hashes summed lane-wise modulo 2^64, so rows read back in another order
    /// (PostgreSQL's collation orders text differently) compare equal and any changed, lost or
    /// duplicated row does not.
    /// </summary>
    private sealed class RowChecksum(TransferTable table)
    {
        private readonly XxHash128 _hash = new();
        private readonly ArrayBufferWriter<byte> _scratch = new();
        private ulong _low;
        private ulong _high;

        public long Rows { get; private set; }

        public string Hex => $"{_high:x16}{_low:x16}";

        public void Add(object?[] values)
        {
            _hash.Reset();
            for (var i = 0; i < values.Length; i++)
            {
                table.Columns[i].Hash(values[i], _hash, _scratch);
            }

            var row = _hash.GetCurrentHashAsUInt128();
            unchecked
            {
                _low += (ulong)row;
                _high += (ulong)(row >> 64);
            }

            Rows++;
        }
    }
}
