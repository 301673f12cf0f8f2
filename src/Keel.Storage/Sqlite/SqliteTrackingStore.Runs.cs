using Keel.Core.Artifacts;
using System.Globalization;
using System.Security.Cryptography;
using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sql;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

public sealed partial class SqliteTrackingStore
{
    /// <summary>The tag MLflow keeps in step with the run name.</summary>
    public const string RunNameTag = MlflowTags.RunName;

    /// <inheritdoc />
    public async Task<Run> CreateRunAsync(CreateRunCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        TrackingValidator.Required(command.ExperimentId, "experiment_id");
        TrackingValidator.ValidateUserId(command.UserId, Limits);
        TrackingValidator.ValidateRunName(command.RunName);
        if (command.StartTime is < 0)
        {
            throw KeelException.InvalidParameter($"Invalid value {command.StartTime} for parameter 'start_time': must be non-negative.");
        }

        var createTags = (command.Tags ?? []).Select(t => TrackingValidator.Truncated(t, Limits.TruncateLongValues)).ToList();
        foreach (var tag in createTags)
        {
            TrackingValidator.ValidateTag(tag);
        }

        var runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await _database.WriteAsync(tx =>
        {
            var experimentId = ParseExperimentId(command.ExperimentId);
            var cmd = _database.Statement(tx, "SELECT lifecycle_stage, artifact_location FROM experiments WHERE experiment_id = $id");
            cmd.Parameters.AddWithValue("$id", experimentId);
            string stage, location;
            using (var reader = cmd.ExecuteReader())
            {
                if (!reader.Read())
                {
                    throw KeelException.NotFound($"No Experiment with id={command.ExperimentId} exists");
                }

                stage = reader.GetString(0);
                location = reader.GetString(1);
            }

            if (stage != LifecycleStage.Active)
            {
                throw KeelException.InvalidParameter($"The experiment {command.ExperimentId} must be in the 'active' state. Current state is deleted.");
            }

            var tags = createTags;
            var tagName = tags.LastOrDefault(t => t.Key == RunNameTag)?.Value;
            if (!string.IsNullOrEmpty(command.RunName) && tagName is not null && tagName != command.RunName)
            {
                throw KeelException.InvalidParameter($"Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='{command.RunName}', mlflow.runName='{tagName}').");
            }

            var name = !string.IsNullOrEmpty(command.RunName) ? command.RunName : tagName ?? RunNames.Generate();
            var insert = _database.Statement(tx, """
                INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                VALUES ($id, $e, $n, $u, 'RUNNING', $s, NULL, $a, 'active') RETURNING run_key
                """);
            insert.Parameters.AddWithValue("$id", runId);
            insert.Parameters.AddWithValue("$e", experimentId);
            insert.Parameters.AddWithValue("$n", name);
            insert.Parameters.AddWithValue("$u", command.UserId ?? string.Empty);
            insert.Parameters.AddWithValue("$s", command.StartTime ?? Now());
            insert.Parameters.AddWithValue("$a", ArtifactUris.ForRun(location, runId));
            var runKey = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);
            foreach (var tag in tags)
            {
                UpsertTag(tx, runKey, tag.Key, tag.Value);
            }

            UpsertTag(tx, runKey, RunNameTag, name);
        }, cancellationToken).ConfigureAwait(false);
        return await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        using var connection = OpenRead();
        var runs = LoadRuns(connection, "r.run_uuid = $id", p => p.AddWithValue("$id", runId));
        return Task.FromResult(runs.Count > 0 ? runs[0] : throw RunNotFound(runId));
    }

    /// <inheritdoc />
    public async Task<RunInfo> UpdateRunAsync(string runId, RunStatus? status, long? endTime, string? runName, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        TrackingValidator.ValidateRunName(runName);
        await _database.WriteAsync(tx =>
        {
            var (runKey, _) = RequireActiveRun(tx, runId);
            var cmd = _database.Statement(tx, """
                UPDATE runs SET status = COALESCE($s, status), end_time = COALESCE($e, end_time), name = COALESCE($n, name)
                WHERE run_key = $k
                """);
            cmd.Parameters.AddWithValue("$s", status is null ? DBNull.Value : TrackingColumns.StatusName(status.Value));
            cmd.Parameters.AddWithValue("$e", endTime is null ? DBNull.Value : endTime.Value);
            cmd.Parameters.AddWithValue("$n", string.IsNullOrEmpty(runName) ? DBNull.Value : runName);
            cmd.Parameters.AddWithValue("$k", runKey);
            cmd.ExecuteNonQuery();
            if (!string.IsNullOrEmpty(runName))
            {
                UpsertTag(tx, runKey, RunNameTag, runName);
            }
        }, cancellationToken).ConfigureAwait(false);
        return (await GetRunAsync(runId, cancellationToken).ConfigureAwait(false)).Info;
    }

    /// <inheritdoc />
    public Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        return _database.WriteAsync(tx =>
        {
            _runCache.Remove(runId);
            var cmd = _database.Statement(tx, "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = $t WHERE run_uuid = $id");
            cmd.Parameters.AddWithValue("$t", Now());
            cmd.Parameters.AddWithValue("$id", runId);
            if (cmd.ExecuteNonQuery() == 0)
            {
                throw RunNotFound(runId);
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task RestoreRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        return _database.WriteAsync(tx =>
        {
            var (_, experimentStage) = RequireRun(tx, runId);
            if (experimentStage != LifecycleStage.Active)
            {
                throw KeelException.InvalidParameter($"Cannot restore run {runId}: its experiment is deleted. Restore the experiment first.");
            }

            _runCache.Remove(runId);
            var cmd = _database.Statement(tx, "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = $id");
            cmd.Parameters.AddWithValue("$id", runId);
            cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    private (long RunKey, string ExperimentStage) RequireRun(SqliteTransaction tx, string runId)
    {
        var (key, _, experimentStage) = LookupRun(tx, runId);
        return (key, experimentStage);
    }

    /// <summary>The run's key; INVALID_PARAMETER_VALUE unless the run and its experiment are active.</summary>
    private (long RunKey, long ExperimentId) RequireActiveRun(SqliteTransaction tx, string runId)
    {
        var (key, runStage, experimentStage) = LookupRun(tx, runId);
        if (runStage != LifecycleStage.Active)
        {
            throw KeelException.InvalidParameter($"The run {runId} must be in the 'active' state. Current state is {runStage}.");
        }

        if (experimentStage != LifecycleStage.Active)
        {
            throw KeelException.InvalidParameter($"The run {runId} belongs to a deleted experiment and cannot be written to.");
        }

        return (key, 0);
    }

    /// <summary>A run's key and lifecycle as the writer last saw it.</summary>
    private readonly record struct RunState(long RunKey, string RunStage, string ExperimentStage);

    private (long RunKey, string RunStage, string ExperimentStage) LookupRun(SqliteTransaction tx, string runId)
    {
        if (_runCache.TryGetValue(runId, out var cached))
        {
            return (cached.RunKey, cached.RunStage, cached.ExperimentStage);
        }

        var cmd = _database.Statement(tx, """
            SELECT r.run_key, r.lifecycle_stage, e.lifecycle_stage
            FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id WHERE r.run_uuid = $id
            """);
        cmd.Parameters.AddWithValue("$id", runId);
        using var reader = cmd.ExecuteReader();
        if (!reader.Read())
        {
            throw RunNotFound(runId);
        }

        var state = new RunState(reader.GetInt64(0), reader.GetString(1), reader.GetString(2));
        if (_runCache.Count > 10_000)
        {
            _runCache.Clear();
        }

        _runCache[runId] = state;
        return (state.RunKey, state.RunStage, state.ExperimentStage);
    }

    private static KeelException RunNotFound(string runId) => KeelException.NotFound($"Run '{runId}' not found");
}
