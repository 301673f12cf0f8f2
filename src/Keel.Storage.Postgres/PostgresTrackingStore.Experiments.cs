using System.Globalization;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Paging;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sql.Search;
using Npgsql;
using NpgsqlTypes;

namespace Keel.Storage.Postgres;

public sealed partial class PostgresTrackingStore
{
    private const string ExperimentColumns = "e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.last_update_time, e.creation_time";

    /// <inheritdoc />
    public Task<string> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<ExperimentTag>? tags, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateExperimentName(name);
        TrackingValidator.ValidateArtifactLocation(artifactLocation, Limits);
        foreach (var tag in tags ?? [])
        {
            TrackingValidator.ValidateExperimentTag(tag.Key, tag.Value);
        }

        return WriteAsync(async (connection, tx) =>
        {
            long id;
            using (var insert = Command(connection, tx, """
                INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES (@n, '', 'active', @t, @t) ON CONFLICT (name) DO NOTHING RETURNING experiment_id
                """))
            {
                insert.Text("n", name).Long("t", Now());
                if (await insert.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not long inserted)
                {
                    using var existing = Command(connection, tx, "SELECT lifecycle_stage FROM experiments WHERE name = @n");
                    existing.Text("n", name);
                    var stage = await existing.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string;
                    throw KeelException.AlreadyExists(stage == LifecycleStage.Deleted
                        ? $"Experiment '{name}' already exists in deleted state. You can restore the experiment, or permanently delete it before creating a new one with that name."
                        : $"Experiment '{name}' already exists.");
                }

                id = inserted;
            }

            var location = string.IsNullOrEmpty(artifactLocation) ? ArtifactUris.ForExperiment(id.ToString(CultureInfo.InvariantCulture)) : artifactLocation;
            using (var update = Command(connection, tx, "UPDATE experiments SET artifact_location = @l WHERE experiment_id = @id"))
            {
                update.Text("l", location).Long("id", id);
                await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            foreach (var tag in tags ?? [])
            {
                await UpsertExperimentTagAsync(connection, tx, id, tag.Key, tag.Value, cancellationToken).ConfigureAwait(false);
            }

            return id.ToString(CultureInfo.InvariantCulture);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Experiment> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        var id = ParseExperimentId(experimentId);
        var found = await LoadExperimentsAsync("e.experiment_id = @id", c => c.Long("id", id), cancellationToken).ConfigureAwait(false);
        return found.Count > 0 ? found[0] : throw KeelException.NotFound($"No Experiment with id={experimentId} exists");
    }

    /// <inheritdoc />
    public async Task<Experiment> GetExperimentByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        var found = await LoadExperimentsAsync("e.name = @n", c => c.Text("n", name), cancellationToken).ConfigureAwait(false);
        return found.Count > 0 ? found[0] : throw KeelException.NotFound($"Could not find experiment with name '{name}'");
    }

    /// <inheritdoc />
    public async Task<PagedResult<Experiment>> SearchExperimentsAsync(ExperimentSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var offset = PageToken.ToOffset(query.PageToken);
        var sql = ExperimentSearchSql.Build(query.Filter, query.ViewType, query.OrderBy, query.MaxResults + 1, offset, SqlDialect.PostgreSql);
        var ids = await QueryKeysAsync(sql, cancellationToken).ConfigureAwait(false);
        var found = ids.Count == 0
            ? []
            : await LoadExperimentsAsync("e.experiment_id = ANY(@ids)", c => c.Array("ids", NpgsqlDbType.Bigint, ids.ToArray()), cancellationToken).ConfigureAwait(false);
        var byId = found.ToDictionary(e => e.ExperimentId, StringComparer.Ordinal);
        var page = ids.Select(i => byId[i.ToString(CultureInfo.InvariantCulture)]).ToList();
        return PostgresCommands.Page(page, query.MaxResults, offset);
    }

    /// <inheritdoc />
    public Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateExperimentName(newName);
        return WriteAsync(async (connection, tx) =>
        {
            var id = ParseExperimentId(experimentId);
            if (await RequireExperimentAsync(connection, tx, id, cancellationToken).ConfigureAwait(false) != LifecycleStage.Active)
            {
                throw KeelException.InvalidParameter("Cannot rename a non-active experiment.");
            }

            using var cmd = Command(connection, tx, """
                UPDATE experiments SET name = @n, last_update_time = @t WHERE experiment_id = @id
                AND NOT EXISTS (SELECT 1 FROM experiments WHERE name = @n AND experiment_id <> @id)
                """);
            cmd.Text("n", newName).Long("t", Now()).Long("id", id);
            if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw KeelException.AlreadyExists($"Experiment '{newName}' already exists.");
            }
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        SetExperimentStageAsync(experimentId, LifecycleStage.Deleted, cancellationToken);

    /// <inheritdoc />
    public Task RestoreExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        SetExperimentStageAsync(experimentId, LifecycleStage.Active, cancellationToken);

    private Task SetExperimentStageAsync(string experimentId, string stage, CancellationToken cancellationToken) =>
        WriteAsync(async (connection, tx) =>
        {
            var id = ParseExperimentId(experimentId);
            var current = await RequireExperimentAsync(connection, tx, id, cancellationToken, forUpdate: true).ConfigureAwait(false);
            if (stage == LifecycleStage.Deleted && id == 0)
            {
                throw KeelException.InvalidParameter("Cannot delete the default experiment '0'. This is an internally reserved experiment.");
            }

            if (stage == LifecycleStage.Active && current == LifecycleStage.Active)
            {
                throw KeelException.InvalidParameter($"Cannot restore an active experiment. Experiment {experimentId} is already active.");
            }

            // As MLflow: deleting an experiment deletes its runs; restoring restores them. Locking the
            // runs first waits for writes in flight to them (they hold FOR KEY SHARE).
            using var cmd = Command(connection, tx, stage == LifecycleStage.Deleted
                ? """
                  SELECT 1 FROM runs WHERE experiment_id = @id FOR UPDATE;
                  UPDATE experiments SET lifecycle_stage = 'deleted', last_update_time = @t WHERE experiment_id = @id;
                  UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = @t WHERE experiment_id = @id AND lifecycle_stage = 'active'
                  """
                : """
                  SELECT 1 FROM runs WHERE experiment_id = @id FOR UPDATE;
                  UPDATE experiments SET lifecycle_stage = 'active', last_update_time = @t WHERE experiment_id = @id;
                  UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = @id AND lifecycle_stage = 'deleted'
                  """);
            cmd.Long("t", Now()).Long("id", id);
            await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }, cancellationToken);

    /// <inheritdoc />
    public Task SetExperimentTagAsync(string experimentId, string key, string value, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateExperimentTag(key, value);
        return WriteAsync(async (connection, tx) =>
        {
            var id = ParseExperimentId(experimentId);
            await RequireActiveExperimentAsync(connection, tx, id, cancellationToken).ConfigureAwait(false);
            await UpsertExperimentTagAsync(connection, tx, id, key, value, cancellationToken).ConfigureAwait(false);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteExperimentTagAsync(string experimentId, string key, CancellationToken cancellationToken = default) =>
        WriteAsync(async (connection, tx) =>
        {
            var id = ParseExperimentId(experimentId);
            await RequireActiveExperimentAsync(connection, tx, id, cancellationToken).ConfigureAwait(false);
            using var cmd = Command(connection, tx, "DELETE FROM experiment_tags WHERE experiment_id = @id AND key = @k");
            cmd.Long("id", id).Text("k", key);
            if (await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) == 0)
            {
                throw KeelException.NotFound($"No tag with name: {key} in experiment with id {experimentId}");
            }
        }, cancellationToken);

    private async Task UpsertExperimentTagAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, string key, string value, CancellationToken cancellationToken)
    {
        using var cmd = Command(connection, tx, """
            INSERT INTO experiment_tags (experiment_id, key, value) VALUES (@id, @k, @v)
            ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value;
            SELECT COUNT(*) FROM experiment_tags WHERE experiment_id = @id
            """);
        cmd.Long("id", id).Text("k", key).Text("v", value);
        var count = (long)(await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        Limits.CheckTagCount(count, $"experiment {id}");
    }

    private static async Task<string> RequireExperimentAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, CancellationToken cancellationToken, bool forUpdate = false)
    {
        using var cmd = Command(connection, tx, "SELECT lifecycle_stage FROM experiments WHERE experiment_id = @id" + (forUpdate ? " FOR UPDATE" : ""));
        cmd.Long("id", id);
        return await cmd.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string
            ?? throw KeelException.NotFound($"No Experiment with id={id} exists");
    }

    private static async Task RequireActiveExperimentAsync(NpgsqlConnection connection, NpgsqlTransaction tx, long id, CancellationToken cancellationToken)
    {
        if (await RequireExperimentAsync(connection, tx, id, cancellationToken).ConfigureAwait(false) != LifecycleStage.Active)
        {
            throw KeelException.InvalidParameter($"The experiment {id} must be in the 'active' state. Current state is deleted.");
        }
    }

    /// <summary>Experiments matching <paramref name="where"/> (over alias <c>e</c>) with their tags, in one round trip.</summary>
    private async Task<List<Experiment>> LoadExperimentsAsync(string where, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        await ReadyAsync().ConfigureAwait(false);
        using var cmd = _database.Command($"""
            SELECT {ExperimentColumns} FROM experiments e WHERE {where};
            SELECT t.experiment_id, t.key, t.value FROM experiment_tags t
            WHERE t.experiment_id IN (SELECT e.experiment_id FROM experiments e WHERE {where}) ORDER BY t.key
            """);
        bind(cmd);
        var experiments = new List<Experiment>();
        var tags = new Dictionary<string, List<ExperimentTag>>(StringComparer.Ordinal);
        var reader = await cmd.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                experiments.Add(new Experiment(
                    reader.GetInt64(0).ToString(CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5), []));
            }

            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                var id = reader.GetInt64(0).ToString(CultureInfo.InvariantCulture);
                if (!tags.TryGetValue(id, out var list))
                {
                    tags[id] = list = [];
                }

                list.Add(new ExperimentTag(reader.GetString(1), reader.GetString(2)));
            }
        }

        return experiments.Select(e => tags.TryGetValue(e.ExperimentId, out var t) ? e with { Tags = t } : e).ToList();
    }

    /// <summary>Runs a built search and returns its first column (the keys, in order).</summary>
    private async Task<List<long>> QueryKeysAsync(SqlCommandText sql, CancellationToken cancellationToken)
    {
        await ReadyAsync().ConfigureAwait(false);
        using var cmd = _database.Command(sql.Sql);
        foreach (var (name, value) in sql.Parameters)
        {
            cmd.Parameters.Add(new NpgsqlParameter(name, value ?? DBNull.Value));
        }

        return await cmd.ListAsync(r => r.GetInt64(0), cancellationToken).ConfigureAwait(false);
    }
}
