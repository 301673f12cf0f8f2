using Keel.Core.Artifacts;
using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Paging;
using Keel.Core.Tracking;
using Keel.Core.Validation;
using Keel.Storage.Sql.Search;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

public sealed partial class SqliteTrackingStore
{
    /// <inheritdoc />
    public Task<string> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<ExperimentTag>? tags, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateExperimentName(name);
        TrackingValidator.ValidateArtifactLocation(artifactLocation, Limits);
        foreach (var tag in tags ?? [])
        {
            TrackingValidator.ValidateExperimentTag(tag.Key, tag.Value);
        }

        return _database.WriteAsync(tx =>
        {
            var existing = _database.Statement(tx, "SELECT lifecycle_stage FROM experiments WHERE name = $n");
            existing.Parameters.AddWithValue("$n", name);
            if (existing.ExecuteScalar() is string stage)
            {
                throw KeelException.AlreadyExists(stage == LifecycleStage.Deleted
                    ? $"Experiment '{name}' already exists in deleted state. You can restore the experiment, or permanently delete it before creating a new one with that name."
                    : $"Experiment '{name}' already exists.");
            }

            var now = Now();
            var insert = _database.Statement(tx, """
                INSERT INTO experiments (name, artifact_location, lifecycle_stage, creation_time, last_update_time)
                VALUES ($n, '', 'active', $t, $t) RETURNING experiment_id
                """);
            insert.Parameters.AddWithValue("$n", name);
            insert.Parameters.AddWithValue("$t", now);
            var id = Convert.ToInt64(insert.ExecuteScalar(), CultureInfo.InvariantCulture);
            var location = string.IsNullOrEmpty(artifactLocation) ? ArtifactUris.ForExperiment(id.ToString(CultureInfo.InvariantCulture)) : artifactLocation;
            var update = _database.Statement(tx, "UPDATE experiments SET artifact_location = $l WHERE experiment_id = $id");
            update.Parameters.AddWithValue("$l", location);
            update.Parameters.AddWithValue("$id", id);
            update.ExecuteNonQuery();
            foreach (var tag in tags ?? [])
            {
                UpsertExperimentTag(tx, id, tag.Key, tag.Value);
            }

            return id.ToString(CultureInfo.InvariantCulture);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<Experiment> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        var id = ParseExperimentId(experimentId);
        using var connection = OpenRead();
        return LoadExperiments(connection, "e.experiment_id = $id", p => p.AddWithValue("$id", id)).FirstOrDefault()
            ?? throw KeelException.NotFound($"No Experiment with id={experimentId} exists");
    }

    /// <inheritdoc />
    public async Task<Experiment> GetExperimentByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        using var connection = OpenRead();
        return LoadExperiments(connection, "e.name = $n", p => p.AddWithValue("$n", name)).FirstOrDefault()
            ?? throw KeelException.NotFound($"Could not find experiment with name '{name}'");
    }

    /// <inheritdoc />
    public async Task<PagedResult<Experiment>> SearchExperimentsAsync(ExperimentSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var offset = PageToken.ToOffset(query.PageToken);
        var sql = ExperimentSearchSql.Build(query.Filter, query.ViewType, query.OrderBy, query.MaxResults + 1, offset, SqlDialect.Sqlite);
        using var connection = OpenRead();
        var ids = SqliteQueries.Query(connection, sql, r => r.GetInt64(0));
        var more = SqliteQueries.TrimToPage(ids, query.MaxResults);

        var byId = LoadExperiments(connection, $"e.experiment_id IN ({string.Join(',', ids)})", _ => { }).ToDictionary(e => e.ExperimentId);
        var page = ids.Select(i => byId[i.ToString(CultureInfo.InvariantCulture)]).ToList();
        return new PagedResult<Experiment>(page, more ? PageToken.FromOffset(offset + ids.Count) : null);
    }

    /// <inheritdoc />
    public Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateExperimentName(newName);
        return _database.WriteAsync(tx =>
        {
            var id = ParseExperimentId(experimentId);
            if (RequireExperiment(tx, id) != LifecycleStage.Active)
            {
                throw KeelException.InvalidParameter("Cannot rename a non-active experiment.");
            }

            var existing = _database.Statement(tx, "SELECT experiment_id FROM experiments WHERE name = $n AND experiment_id <> $id");
            existing.Parameters.AddWithValue("$n", newName);
            existing.Parameters.AddWithValue("$id", id);
            if (existing.ExecuteScalar() is not null)
            {
                throw KeelException.AlreadyExists($"Experiment '{newName}' already exists.");
            }

            var cmd = _database.Statement(tx, "UPDATE experiments SET name = $n, last_update_time = $t WHERE experiment_id = $id");
            cmd.Parameters.AddWithValue("$n", newName);
            cmd.Parameters.AddWithValue("$t", Now());
            cmd.Parameters.AddWithValue("$id", id);
            cmd.ExecuteNonQuery();
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        SetExperimentStage(experimentId, LifecycleStage.Deleted, cancellationToken);

    /// <inheritdoc />
    public Task RestoreExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        SetExperimentStage(experimentId, LifecycleStage.Active, cancellationToken);

    private Task SetExperimentStage(string experimentId, string stage, CancellationToken cancellationToken) =>
        _database.WriteAsync(tx =>
        {
            var id = ParseExperimentId(experimentId);
            var current = RequireExperiment(tx, id);
            if (stage == LifecycleStage.Deleted && id == 0)
            {
                throw KeelException.InvalidParameter("Cannot delete the default experiment '0'. This is an internally reserved experiment.");
            }

            if (stage == LifecycleStage.Active && current == LifecycleStage.Active)
            {
                throw KeelException.InvalidParameter($"Cannot restore an active experiment. Experiment {experimentId} is already active.");
            }

            var now = Now();
            _runCache.Clear();
            var cmd = _database.Statement(tx, "UPDATE experiments SET lifecycle_stage = $s, last_update_time = $t WHERE experiment_id = $id");
            cmd.Parameters.AddWithValue("$s", stage);
            cmd.Parameters.AddWithValue("$t", now);
            cmd.Parameters.AddWithValue("$id", id);
            cmd.ExecuteNonQuery();

            // As MLflow: deleting an experiment deletes its runs; restoring restores them.
            var runs = _database.Statement(tx, stage == LifecycleStage.Deleted
                ? "UPDATE runs SET lifecycle_stage = 'deleted', deleted_time = $t WHERE experiment_id = $id AND lifecycle_stage = 'active'"
                : "UPDATE runs SET lifecycle_stage = 'active', deleted_time = NULL WHERE experiment_id = $id AND lifecycle_stage = 'deleted'");
            runs.Parameters.AddWithValue("$t", now);
            runs.Parameters.AddWithValue("$id", id);
            runs.ExecuteNonQuery();
        }, cancellationToken);

    /// <inheritdoc />
    public Task SetExperimentTagAsync(string experimentId, string key, string value, CancellationToken cancellationToken = default)
    {
        TrackingValidator.ValidateExperimentTag(key, value);
        return _database.WriteAsync(tx =>
        {
            var id = ParseExperimentId(experimentId);
            RequireActiveExperiment(tx, id);
            UpsertExperimentTag(tx, id, key, value);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteExperimentTagAsync(string experimentId, string key, CancellationToken cancellationToken = default) =>
        _database.WriteAsync(tx =>
        {
            var id = ParseExperimentId(experimentId);
            RequireActiveExperiment(tx, id);
            var cmd = _database.Statement(tx, "DELETE FROM experiment_tags WHERE experiment_id = $id AND key = $k");
            cmd.Parameters.AddWithValue("$id", id);
            cmd.Parameters.AddWithValue("$k", key);
            if (cmd.ExecuteNonQuery() == 0)
            {
                throw KeelException.NotFound($"No tag with name: {key} in experiment with id {experimentId}");
            }
        }, cancellationToken);

    private void UpsertExperimentTag(SqliteTransaction tx, long id, string key, string value)
    {
        var cmd = _database.Statement(tx, """
            INSERT INTO experiment_tags (experiment_id, key, value) VALUES ($id, $k, $v)
            ON CONFLICT (experiment_id, key) DO UPDATE SET value = excluded.value
            """);
        cmd.Parameters.AddWithValue("$id", id);
        cmd.Parameters.AddWithValue("$k", key);
        cmd.Parameters.AddWithValue("$v", value);
        cmd.ExecuteNonQuery();
        var count = _database.Statement(tx, "SELECT COUNT(*) FROM experiment_tags WHERE experiment_id = $id");
        count.Parameters.AddWithValue("$id", id);
        Limits.CheckTagCount((long)count.ExecuteScalar()!, $"experiment {id}");
    }

    private string RequireExperiment(SqliteTransaction tx, long id)
    {
        var cmd = _database.Statement(tx, "SELECT lifecycle_stage FROM experiments WHERE experiment_id = $id");
        cmd.Parameters.AddWithValue("$id", id);
        return cmd.ExecuteScalar() as string ?? throw KeelException.NotFound($"No Experiment with id={id} exists");
    }

    private void RequireActiveExperiment(SqliteTransaction tx, long id)
    {
        if (RequireExperiment(tx, id) != LifecycleStage.Active)
        {
            throw KeelException.InvalidParameter($"The experiment {id} must be in the 'active' state. Current state is deleted.");
        }
    }

    private static List<Experiment> LoadExperiments(SqliteConnection connection, string where, Action<SqliteParameterCollection> bind)
    {
        var experiments = new List<(long Id, Experiment Experiment)>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"SELECT e.experiment_id, e.name, e.artifact_location, e.lifecycle_stage, e.last_update_time, e.creation_time FROM experiments e WHERE {where}";
            bind(cmd.Parameters);
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                experiments.Add((id, new Experiment(id.ToString(CultureInfo.InvariantCulture), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4), reader.GetInt64(5), [])));
            }
        }

        if (experiments.Count == 0)
        {
            return [];
        }

        var tags = new Dictionary<long, List<ExperimentTag>>();
        using (var cmd = connection.CreateCommand())
        {
            cmd.CommandText = $"SELECT experiment_id, key, value FROM experiment_tags WHERE experiment_id IN ({string.Join(',', experiments.Select(e => e.Id))}) ORDER BY key";
            using var reader = cmd.ExecuteReader();
            while (reader.Read())
            {
                var id = reader.GetInt64(0);
                if (!tags.TryGetValue(id, out var list))
                {
                    tags[id] = list = [];
                }

                list.Add(new ExperimentTag(reader.GetString(1), reader.GetString(2)));
            }
        }

        return experiments.Select(e => tags.TryGetValue(e.Id, out var t) ? e.Experiment with { Tags = t } : e.Experiment).ToList();
    }
}
