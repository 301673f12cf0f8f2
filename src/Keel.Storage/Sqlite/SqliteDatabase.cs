using Keel.Core.Errors;
using Keel.Core.Validation;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// One embedded SQLite database holding Keel's stores: the file in WAL mode with synchronous=FULL,
/// its start-up checks and migrations, one writer connection behind a group-commit queue
/// (<see cref="WriteQueue"/>) with its statement cache, pooled read connections, the clock and the
/// input limits. Every SQLite store (tracking, registry, predictions, served models, deployments,
/// replicas, monitoring) takes one instance and uses it; stores never use each other. The database
/// owns its resources: disposing it drains the queue and closes the file; stores do not dispose it.
/// </summary>
public sealed partial class SqliteDatabase : IAsyncDisposable, IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly WriteQueue _writes;
    private readonly StatementCache _statements;
    private readonly TimeProvider _time;
    private readonly Lock _hooksLock = new();
    private BatchHooks[] _hooks = [];
    private int _disposed;

    /// <summary>Opens (creating and migrating if needed) the database at <paramref name="databasePath"/>.</summary>
    /// <param name="databasePath">The SQLite file; its folder is created when missing.</param>
    /// <param name="time">The clock for default timestamps.</param>
    /// <param name="options">The start-up check and the health tracker; defaults when null.</param>
    /// <exception cref="KeelException">
    /// INVALID_STATE: the file is empty (0 bytes), damaged, not a SQLite database, from a newer
    /// Keel, or its schema was changed outside Keel.
    /// </exception>
    public SqliteDatabase(string databasePath, TimeProvider time, SqliteStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(databasePath);
        ArgumentNullException.ThrowIfNull(time);
        options ??= new SqliteStoreOptions();
        DatabasePath = Path.GetFullPath(databasePath);
        _time = time;
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        SqliteStoreChecks.RefuseEmptyFile(DatabasePath);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = DatabasePath,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            DefaultTimeout = 30,
        }.ToString();

        _writer = new SqliteConnection(_connectionString);
        try
        {
            _writer.Open();
            Pragma(_writer, "PRAGMA journal_mode=WAL");
            Pragma(_writer, "PRAGMA synchronous=FULL");
            Pragma(_writer, "PRAGMA foreign_keys=ON");
            Pragma(_writer, "PRAGMA busy_timeout=30000");
            SqliteStoreChecks.RefuseDamaged(_writer, DatabasePath, options);
            Migrator.Migrate(_writer, NowMilliseconds());
        }
        catch (Exception e)
        {
            _writer.Dispose();
            SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
            if (SqliteStoreChecks.StartupError(e, DatabasePath) is { } clear)
            {
                throw clear;
            }

            throw;
        }

        _statements = new StatementCache(_writer);
        _writes = new WriteQueue(_writer, BeforeBatch, AfterBatch, OnRollback, options.Health);
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The text and tag-count limits every store's writes on this database enforce.</summary>
    /// <value><see cref="InputLimits.Default"/>.</value>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>Runs a write on the shared group-commit writer; the task completes once its batch committed.</summary>
    internal Task<T> WriteAsync<T>(Func<SqliteTransaction, T> write, CancellationToken cancellationToken) =>
        _writes.ExecuteAsync((_, tx) => write(tx), cancellationToken);

    /// <summary>Runs a write without a result on the shared group-commit writer.</summary>
    internal Task WriteAsync(Action<SqliteTransaction> write, CancellationToken cancellationToken) =>
        _writes.ExecuteAsync((_, tx) => write(tx), cancellationToken);

    /// <summary>A cached statement of the writer connection; only valid inside a write.</summary>
    internal SqliteCommand Statement(SqliteTransaction tx, string sql) => _statements.Get(tx, sql);

    /// <summary>Finalizes a raw statement of the writer connection when the database closes; only valid inside a write.</summary>
    internal void OwnStatement(IDisposable statement) => _statements.Own(statement);

    /// <summary>A pooled read connection.</summary>
    internal SqliteConnection OpenReadConnection()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();

        // A larger page cache and memory-mapped reads keep index scans of big searches in memory.
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA cache_size=-131072; PRAGMA mmap_size=536870912";
        cmd.ExecuteNonQuery();
        return connection;
    }

    /// <summary>Unix milliseconds from the database's clock.</summary>
    internal long NowMilliseconds() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Disposes the write queue (after it drained), the cached statements and the writer, and clears the read pool.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        await _writes.DisposeAsync().ConfigureAwait(false);
        _statements.Dispose();
        _writer.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }
}
