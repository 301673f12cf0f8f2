using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

/// <summary>
/// The embedded tracking store on a <see cref="SqliteDatabase"/> (WAL, synchronous=FULL). Reads use
/// pooled connections and never block writes; writes go through the database's group-commit queue,
/// so many concurrent requests share one fsync while every acknowledged write is durable. The store
/// keeps only tracking state: a cache of run states and the metric sequence counter, both kept in
/// step with the database through its batch hooks. One tracking store per database: two would
/// number metrics from two counters.
/// </summary>
public sealed partial class SqliteTrackingStore : ITrackingStore, IAsyncDisposable, IDisposable
{
    private readonly SqliteDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly Dictionary<string, RunState> _runCache = new(StringComparer.Ordinal);
    private long _nextSeq;
    private long _storedSeq;
    private long _dataVersion = -1;
    private int _disposed;

    /// <summary>The tracking store on <paramref name="database"/>, which it uses but does not dispose.</summary>
    /// <param name="database">The database; it stays open when the store is disposed.</param>
    /// <param name="artifactRoot">The artifact root (a folder, or <c>s3://bucket/prefix</c>); experiment locations default to <c>mlflow-artifacts:/&lt;id&gt;</c> under it.</param>
    public SqliteTrackingStore(SqliteDatabase database, string artifactRoot)
        : this(database, artifactRoot, ownsDatabase: false)
    {
    }

    /// <summary>
    /// Opens (creating and migrating if needed) the database at <paramref name="databasePath"/> for this
    /// store alone: a shorthand for one-store tools and tests. The store owns that database and
    /// disposes it.
    /// </summary>
    /// <param name="databasePath">The SQLite file.</param>
    /// <param name="artifactRoot">The artifact root (a folder, or <c>s3://bucket/prefix</c>).</param>
    /// <param name="time">The clock for default timestamps.</param>
    /// <param name="options">The start-up check and the health tracker; defaults when null.</param>
    /// <exception cref="KeelException">
    /// INVALID_STATE: the file is empty (0 bytes), damaged, not a SQLite database, from a newer
    /// Keel, or its schema was changed outside Keel.
    /// </exception>
    public SqliteTrackingStore(string databasePath, string artifactRoot, TimeProvider time, SqliteStoreOptions? options = null)
        : this(new SqliteDatabase(databasePath, time, options), artifactRoot, ownsDatabase: true)
    {
    }

    private SqliteTrackingStore(SqliteDatabase database, string artifactRoot, bool ownsDatabase)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _ownsDatabase = ownsDatabase;
        ArtifactRoot = artifactRoot;
        var hooks = database.HookBatches(BeforeBatch, AfterBatch, _runCache.Clear);
        try
        {
            database.WriteAsync(EnsureDefaultExperiment, CancellationToken.None).GetAwaiter().GetResult();
        }
        catch
        {
            hooks.Dispose();
            if (ownsDatabase)
            {
                database.Dispose();
            }

            throw;
        }
    }

    /// <summary>The database this store writes to.</summary>
    public SqliteDatabase Database => _database;

    /// <summary>The database file.</summary>
    public string DatabasePath => _database.DatabasePath;

    /// <summary>The text and tag-count limits this store's writes enforce: the database's.</summary>
    /// <value><see cref="SqliteDatabase.Limits"/>.</value>
    public InputLimits Limits => _database.Limits;

    /// <summary>The artifact root: a folder, or an object-store URI such as <c>s3://bucket/prefix</c>.</summary>
    public string ArtifactRoot { get; }

    /// <summary>The id of the experiment every new store has.</summary>
    public const string DefaultExperimentId = "0";

    private long Now() => _database.NowMilliseconds();

    private SqliteConnection OpenRead() => _database.OpenReadConnection();

    private void EnsureDefaultExperiment(SqliteTransaction tx)
    {
        var cmd = _database.Statement(tx, """
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            SELECT 0, 'Default', 'mlflow-artifacts:/0', 'active', $t, $t
            WHERE NOT EXISTS (SELECT 1 FROM experiments)
            """);
        cmd.Parameters.AddWithValue("$t", Now());
        cmd.ExecuteNonQuery();
    }

    private void BeforeBatch(SqliteTransaction tx)
    {
        // data_version changes when another connection (another process) committed: our cache
        // of run states may be stale then.
        var version = Convert.ToInt64(_database.Statement(tx, "PRAGMA data_version").ExecuteScalar(), CultureInfo.InvariantCulture);
        if (version != _dataVersion)
        {
            _runCache.Clear();
            _dataVersion = version;
        }

        // Re-read the counter inside the write lock: another process may have written since.
        var cmd = _database.Statement(tx, "SELECT value FROM keel_meta WHERE key = 'metric_seq'");
        _nextSeq = _storedSeq = Convert.ToInt64(cmd.ExecuteScalar(), CultureInfo.InvariantCulture);
    }

    private void AfterBatch(SqliteTransaction tx)
    {
        if (_nextSeq != _storedSeq)
        {
            var cmd = _database.Statement(tx, "UPDATE keel_meta SET value = $v WHERE key = 'metric_seq'");
            cmd.Parameters.AddWithValue("$v", _nextSeq);
            cmd.ExecuteNonQuery();
        }
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

    /// <summary>
    /// Disposes the database when this store opened it (after its queued writes committed). A store
    /// on a shared <see cref="SqliteDatabase"/> holds nothing of its own to release: its batch hooks
    /// stay with the database until it closes, so writes still queued keep the metric sequence right.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        if (_ownsDatabase)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose() => DisposeAsync().AsTask().GetAwaiter().GetResult();
}
