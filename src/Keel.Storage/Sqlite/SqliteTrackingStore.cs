using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// The embedded tracking store: one SQLite file in WAL mode with synchronous=FULL. Reads use pooled
/// connections and never block writes; writes go through a group-commit queue
/// (<see cref="WriteQueue"/>), so many concurrent requests share one fsync while every
/// acknowledged write is durable.
/// </summary>
public sealed partial class SqliteTrackingStore : ITrackingStore, IAsyncDisposable, IDisposable
{
    private readonly string _connectionString;
    private readonly SqliteConnection _writer;
    private readonly WriteQueue _writes;
    private readonly StatementCache _statements;
    private readonly TimeProvider _time;
    private readonly Dictionary<string, RunState> _runCache = new(StringComparer.Ordinal);
    private long _nextSeq;
    private long _storedSeq;
    private long _dataVersion = -1;

    /// <summary>Opens (creating and migrating if needed) the database at <paramref name="databasePath"/>.</summary>
    /// <param name="databasePath">The SQLite file.</param>
    /// <param name="artifactRoot">The artifact root (a folder, or <c>s3://bucket/prefix</c>); experiment locations default to <c>mlflow-artifacts:/&lt;id&gt;</c> under it.</param>
    /// <param name="time">The clock for default timestamps.</param>
    /// <param name="options">The start-up check and the health tracker; defaults when null.</param>
    /// <exception cref="KeelException">
    /// INVALID_STATE: the file is empty (0 bytes), damaged, not a SQLite database, from a newer
    /// Keel, or its schema was changed outside Keel.
    /// </exception>
    public SqliteTrackingStore(string databasePath, string artifactRoot, TimeProvider time, SqliteStoreOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(databasePath);
        options ??= new SqliteStoreOptions();
        DatabasePath = Path.GetFullPath(databasePath);
        ArtifactRoot = artifactRoot;
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
            Migrator.Migrate(_writer, Now());
            EnsureDefaultExperiment();
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
        _writes = new WriteQueue(_writer, BeforeBatch, AfterBatch, _runCache.Clear, options.Health);
    }

    /// <summary>The database file.</summary>
    public string DatabasePath { get; }

    /// <summary>The text and tag-count limits this store's writes (and the registry's on the same database) enforce.</summary>
    /// <value><see cref="InputLimits.Default"/>.</value>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>The artifact root: a folder, or an object-store URI such as <c>s3://bucket/prefix</c>.</summary>
    public string ArtifactRoot { get; }

    /// <summary>The id of the experiment every new store has.</summary>
    public const string DefaultExperimentId = "0";

    private long Now() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private void EnsureDefaultExperiment()
    {
        using var cmd = _writer.CreateCommand();
        cmd.CommandText = """
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            SELECT 0, 'Default', 'mlflow-artifacts:/0', 'active', $t, $t
            WHERE NOT EXISTS (SELECT 1 FROM experiments)
            """;
        cmd.Parameters.AddWithValue("$t", Now());
        cmd.ExecuteNonQuery();
    }

    private void BeforeBatch(SqliteConnection connection, SqliteTransaction tx)
    {
        // data_version changes when another connection (another process) committed: our cache
        // of run states may be stale then.
        var version = Convert.ToInt64(_statements.Get(tx, "PRAGMA data_version").ExecuteScalar(), CultureInfo.InvariantCulture);
        if (version != _dataVersion)
        {
            _runCache.Clear();
            _dataVersion = version;
        }

        // Re-read the counter inside the write lock: another process may have written since.
        var cmd = _statements.Get(tx, "SELECT value FROM keel_meta WHERE key = 'metric_seq'");
        _nextSeq = _storedSeq = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void AfterBatch(SqliteConnection connection, SqliteTransaction tx)
    {
        if (_nextSeq != _storedSeq)
        {
            var cmd = _statements.Get(tx, "UPDATE keel_meta SET value = $v WHERE key = 'metric_seq'");
            cmd.Parameters.AddWithValue("$v", _nextSeq);
            cmd.ExecuteNonQuery();
        }
    }

    /// <summary>Runs a write on the shared group-commit writer (used by the registry store).</summary>
    internal Task<T> WriteAsync<T>(Func<SqliteTransaction, T> write, CancellationToken cancellationToken) =>
        _writes.ExecuteAsync((_, tx) => write(tx), cancellationToken);

    /// <summary>A cached statement of the writer connection; only valid inside a write.</summary>
    internal SqliteCommand Statement(SqliteTransaction tx, string sql) => _statements.Get(tx, sql);

    /// <summary>Finalizes a raw statement of the writer connection when the store closes; only valid inside a write.</summary>
    internal void OwnStatement(IDisposable statement) => _statements.Own(statement);

    /// <summary>A pooled read connection.</summary>
    internal SqliteConnection OpenReadConnection() => OpenRead();

    /// <summary>Unix milliseconds from the store's clock.</summary>
    internal long NowMilliseconds() => Now();

    private SqliteConnection OpenRead()
    {
        var connection = new SqliteConnection(_connectionString);
        connection.Open();

        // A larger page cache and memory-mapped reads keep index scans of big searches in memory.
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "PRAGMA cache_size=-131072; PRAGMA mmap_size=536870912";
        cmd.ExecuteNonQuery();
        return connection;
    }

    private static void Pragma(SqliteConnection connection, string sql)
    {
        using var cmd = connection.CreateCommand();
        cmd.CommandText = sql;
        cmd.ExecuteNonQuery();
    }

    private static long ParseExperimentId(string? experimentId)
    {
        if (string.IsNullOrEmpty(experimentId))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'experiment_id'.");
        }

        if (!long.TryParse(experimentId, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
        {
            throw KeelException.NotFound($"No Experiment with id={experimentId} exists");
        }

        return id;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync().ConfigureAwait(false);
        _statements.Dispose();
        _writer.Dispose();
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
