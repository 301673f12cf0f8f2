using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// The tracking store in PostgreSQL (schema version 6): experiments, runs, params, metrics, tags and
/// dataset inputs, with the SQLite store's behaviour and errors (the tracking compliance suite runs
/// against both). Several Keel processes may share the database: every write is one transaction
/// that reads the run's state under a row lock, so a run deleted meanwhile is never written to.
/// Log-batch streams its metric rows with binary <c>COPY</c>; concurrent log-metric calls share a
/// transaction (<see cref="MetricGroupWriter"/>).
/// </summary>
/// <remarks>
/// Writers take <c>FOR KEY SHARE</c> on the run row (concurrent writers to one run do not wait for
/// each other); lifecycle changes take <c>FOR UPDATE</c>, so they wait for writes in flight and the
/// writes after them see the new state. Exact repeats of a metric observation are one row (the
/// primary key is MLflow's); two writers racing with the same new point are resolved by the key,
/// and a batch that loses such a race is retried from the start.
/// </remarks>
public sealed partial class PostgresTrackingStore : ITrackingStore
{
    /// <summary>How often a write that lost a race on a unique key is retried.</summary>
    private const int RaceRetries = 5;

    private readonly PostgresDatabase _database;
    private readonly MetricGroupWriter _metrics;
    private Task? _ready;

    /// <summary>A tracking store on <paramref name="database"/> (already migrated by <see cref="PostgresDatabase.OpenAsync"/>).</summary>
    /// <param name="database">The database; it also supplies the clock default timestamps come from.</param>
    /// <param name="artifactRoot">The artifact root (a folder, or <c>s3://bucket/prefix</c>); experiment locations default to <c>mlflow-artifacts:/&lt;id&gt;</c> under it.</param>
    /// <remarks>The default experiment "0" is created on first use, by whichever process gets there first.</remarks>
    public PostgresTrackingStore(PostgresDatabase database, string artifactRoot)
    {
        ArgumentNullException.ThrowIfNull(database);
        _database = database;
        _metrics = new MetricGroupWriter(database.DataSource);
        ArtifactRoot = artifactRoot;
    }

    /// <summary>The id of the experiment every new store has.</summary>
    public const string DefaultExperimentId = "0";

    /// <summary>The tag MLflow keeps in step with the run name.</summary>
    public const string RunNameTag = MlflowTags.RunName;

    /// <summary>The text and tag-count limits this store's writes enforce.</summary>
    /// <value><see cref="InputLimits.Default"/>.</value>
    public InputLimits Limits { get; init; } = InputLimits.Default;

    /// <summary>The artifact root: a folder, or an object-store URI such as <c>s3://bucket/prefix</c>.</summary>
    public string ArtifactRoot { get; }

    private long Now() => _database.NowMilliseconds();

    private async Task EnsureDefaultExperimentAsync()
    {
        using var cmd = _database.Command("""
            INSERT INTO experiments (experiment_id, name, artifact_location, lifecycle_stage, creation_time, last_update_time)
            SELECT 0, 'Default', 'mlflow-artifacts:/0', 'active', @t, @t
            WHERE NOT EXISTS (SELECT 1 FROM experiments)
            ON CONFLICT DO NOTHING
            """);
        cmd.Long("t", Now());
        await cmd.ExecuteNonQueryAsync().ConfigureAwait(false);
    }

    /// <summary>Creates the default experiment once per store (again after a failure: the database may have been unreachable).</summary>
    private Task ReadyAsync()
    {
        var ready = _ready;
        if (ready is null || ready.IsFaulted || ready.IsCanceled)
        {
            // Two callers may both start it: the insert is idempotent.
            _ready = ready = EnsureDefaultExperimentAsync();
        }

        return ready;
    }

    /// <summary>
    /// One write transaction, retried from the start when it lost a race on a unique key to a
    /// concurrent writer (its reads then see the winner's row and decide again).
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await ReadyAsync().ConfigureAwait(false);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await _database.WriteAsync(work, cancellationToken).ConfigureAwait(false);
            }
            catch (PostgresException e) when (attempt < RaceRetries && e.SqlState is PostgresErrorCodes.UniqueViolation or PostgresErrorCodes.DeadlockDetected)
            {
            }
        }
    }

    private Task WriteAsync(Func<NpgsqlConnection, NpgsqlTransaction, Task> work, CancellationToken cancellationToken) =>
        WriteAsync<bool>(async (c, tx) =>
        {
            await work(c, tx).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction tx, string sql) => new(sql, connection, tx);

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

    private static KeelException RunNotFound(string runId) => KeelException.NotFound($"Run '{runId}' not found");
}
