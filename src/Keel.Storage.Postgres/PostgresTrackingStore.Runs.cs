using System.Security.Cryptography;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sql;
using Keel.Storage.Sqlite;
using Npgsql;

namespace Keel.Storage.Postgres;

public sealed partial class PostgresTrackingStore
{
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

        var tags = (command.Tags ?? []).Select(t => TrackingValidator.Truncated(t, Limits.TruncateLongValues)).ToList();
        foreach (var tag in tags)
        {
            TrackingValidator.ValidateTag(tag);
        }

        var tagName = tags.LastOrDefault(t => t.Key == RunNameTag)?.Value;
        var runId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        await WriteAsync(async (connection, tx) =>
        {
            var experimentId = ParseExperimentId(command.ExperimentId);
            string stage, location;
            using (var cmd = Command(connection, tx, "SELECT lifecycle_stage, artifact_location FROM experiments WHERE experiment_id = @id FOR KEY SHARE"))
            {
                cmd.Long("id", experimentId);
                var rows = await cmd.ListAsync(r => (r.GetString(0), r.GetString(1)), cancellationToken).ConfigureAwait(false);
                (stage, location) = rows.Count > 0 ? rows[0] : throw KeelException.NotFound($"No Experiment with id={command.ExperimentId} exists");
            }

            if (stage != LifecycleStage.Active)
            {
                throw KeelException.InvalidParameter($"The experiment {command.ExperimentId} must be in the 'active' state. Current state is deleted.");
            }

            if (!string.IsNullOrEmpty(command.RunName) && tagName is not null && tagName != command.RunName)
            {
                throw KeelException.InvalidParameter($"Both 'run_name' argument and 'mlflow.runName' tag are specified, but with different values (run_name='{command.RunName}', mlflow.runName='{tagName}').");
            }

            var name = !string.IsNullOrEmpty(command.RunName) ? command.RunName : tagName ?? RunNames.Generate();
            long runKey;
            using (var insert = Command(connection, tx, """
                INSERT INTO runs (run_uuid, experiment_id, name, user_id, status, start_time, end_time, artifact_uri, lifecycle_stage)
                VALUES (@id, @e, @n, @u, 'RUNNING', @s, NULL, @a, 'active') RETURNING run_key
                """))
            {
                insert.Text("id", runId).Long("e", experimentId).Text("n", name).Text("u", command.UserId ?? string.Empty)
                    .Long("s", command.StartTime ?? Now()).Text("a", ArtifactUris.ForRun(location, runId));
                runKey = (long)(await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
            }

            await UpsertTagsAsync(connection, tx, runKey, [.. tags, new RunTag(RunNameTag, name)], cancellationToken).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
        return await GetRunAsync(runId, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        var runs = await LoadRunsAsync("r.run_uuid = @id", c => c.Text("id", runId), cancellationToken).ConfigureAwait(false);
        return runs.Count > 0 ? runs[0].Run : throw RunNotFound(runId);
    }

    /// <inheritdoc />
    public async Task<RunInfo> UpdateRunAsync(string runId, RunStatus? status, long? endTime, string? runName, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        TrackingValidator.ValidateRunName(runName);
        var statusName = status is null ? null : TrackingColumns.StatusName(status.Value);
        await WriteAsync(async (connection, tx) =>
        {
            var runKey = await RequireActiveRunAsync(connection, tx, runId, RunLock.Update, cancellationToken).ConfigureAwait(false);
            using (var cmd = Command(connection, tx, """
                UPDATE runs SET status = COALESCE(@s, status), end_time = COALESCE(@e, end_time), name = COALESCE(@n, name)
                WHERE run_key = @k
                """))
            {
                cmd.Text("s", statusName).Long("e", endTime).Text("n", string.IsNullOrEmpty(runName) ? null : runName).Long("k", runKey);
                await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            if (!string.IsNullOrEmpty(runName))
            {
                await UpsertTagsAsync(connection, tx, runKey, [new RunTag(RunNameTag, runName)], cancellationToken).ConfigureAwait(false);
            }
        }, cancellationToken).ConfigureAwait(false);
        return (await GetRunAsync(runId, cancellationToken).ConfigureAwait(false)).Info;
    }

    /// <inheritdoc />
    public Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        return WriteAsync(async (connection, tx) =>
        {
            await LookupRunAsync(connection, tx, runId, RunLock.Lifecycle, cancellationToken).ConfigureAwait(false);
            using var cmd = Command(connection, tx, "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = @t WHERE run_uuid = @id");
            cmd.Long("t", Now()).Text("id", runId);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task RestoreRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateRunId(runId);
        return WriteAsync(async (connection, tx) =>
        {
            var (_, _, experimentStage) = await LookupRunAsync(connection, tx, runId, RunLock.Lifecycle, cancellationToken).ConfigureAwait(false);
            if (experimentStage != LifecycleStage.Active)
            {
                throw KeelException.InvalidParameter($"Cannot restore run {runId}: its experiment is deleted. Restore the experiment first.");
            }

            using var cmd = Command(connection, tx, "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE run_uuid = @id");
            cmd.Text("id", runId);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <summary>The row lock a write takes on its run.</summary>
    private enum RunLock
    {
        /// <summary>Writes to the run's children: concurrent writers do not wait for each other.</summary>
        Write,

        /// <summary>Writes to the run row itself (status, name).</summary>
        Update,

        /// <summary>Lifecycle changes: wait for every write in flight.</summary>
        Lifecycle,
    }

    /// <summary>The run's key; INVALID_PARAMETER_VALUE unless the run and its experiment are active.</summary>
    private static async Task<long> RequireActiveRunAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string runId, RunLock mode, CancellationToken cancellationToken)
    {
        var (key, runStage, experimentStage) = await LookupRunAsync(connection, tx, runId, mode, cancellationToken).ConfigureAwait(false);
        RequireActive(runId, runStage, experimentStage);
        return key;
    }

    private static void RequireActive(string runId, string runStage, string experimentStage)
    {
        if (runStage != LifecycleStage.Active)
        {
            throw KeelException.InvalidParameter($"The run {runId} must be in the 'active' state. Current state is {runStage}.");
        }

        if (experimentStage != LifecycleStage.Active)
        {
            throw KeelException.InvalidParameter($"The run {runId} belongs to a deleted experiment and cannot be written to.");
        }
    }

    /// <summary>The run's key and lifecycle and its experiment's, by <c>@id</c>, under the row lock of <paramref name="mode"/>.</summary>
    private static string LookupRunSql(RunLock mode) => $"""
        SELECT r.run_key, r.lifecycle_stage, e.lifecycle_stage
        FROM runs r JOIN experiments e ON e.experiment_id = r.experiment_id WHERE r.run_uuid = @id {mode switch
        {
            RunLock.Write => "FOR KEY SHARE OF r",
            RunLock.Update => "FOR NO KEY UPDATE OF r",
            _ => "FOR UPDATE OF r",
        }}
        """;

    private static async Task<(long RunKey, string RunStage, string ExperimentStage)> LookupRunAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string runId, RunLock mode, CancellationToken cancellationToken)
    {
        using var cmd = Command(connection, tx, LookupRunSql(mode));
        cmd.Text("id", runId);
        var rows = await cmd.ListAsync(r => (r.GetInt64(0), r.GetString(1), r.GetString(2)), cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : throw RunNotFound(runId);
    }
}
