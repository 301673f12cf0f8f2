using System.Globalization;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Registry;
using Keel.Core.Validation;

namespace Keel.Storage.Sqlite;

/// <summary>
/// The model registry in the same SQLite database as tracking, sharing its group-commit writer, so
/// version numbering (max + 1 inside the single writer transaction) is unique and gap-free, and
/// every change and its audit event commit together.
/// </summary>
/// <remarks>
/// Deleted versions are kept with the internal stage <c>Deleted_Internal</c> (as MLflow does) so
/// their numbers are never reused; every read hides them.
/// </remarks>
public sealed partial class SqliteRegistryStore(SqliteDatabase database, string artifactRoot) : IRegistryStore
{
    /// <summary>MLflow's stage for soft-deleted versions.</summary>
    internal const string DeletedStage = "Deleted_Internal";

    /// <summary>The stages a version can be in, as MLflow spells them on the wire.</summary>
    public static readonly IReadOnlyList<string> Stages = ["None", "Staging", "Production", "Archived"];

    private long Now() => database.NowMilliseconds();

    /// <inheritdoc />
    public async Task<RegisteredModel> CreateRegisteredModelAsync(string name, IReadOnlyList<RegisteredModelTag>? tags, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.ModelName(name);
        RegistryValidator.Tags(tags, t => (t.Key, t.Value));
        RegistryValidator.Description(description, database.Limits);
        await database.WriteAsync(tx =>
        {
            if (ModelExists(tx, name))
            {
                throw KeelException.AlreadyExists($"Registered Model (name={name}) already exists.");
            }

            var now = Now();
            var insert = database.Statement(tx, "INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES ($n, $t, $t, $d)");
            insert.Parameters.AddWithValue("$n", name);
            insert.Parameters.AddWithValue("$t", now);
            insert.Parameters.AddWithValue("$d", (object?)description ?? DBNull.Value);
            insert.ExecuteNonQuery();
            foreach (var tag in tags ?? [])
            {
                UpsertModelTag(tx, name, tag);
            }

            Record(tx, name, null, RegistryEventKinds.ModelCreated, null, null, name, actor);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return await GetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        var models = LoadModels(connection, [name]);
        return Task.FromResult(models.Count == 1 ? models[0] : throw ModelNotFound(name));
    }

    /// <inheritdoc />
    public async Task<RegisteredModel> RenameRegisteredModelAsync(string name, string newName, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.ModelName(newName, "new_name");
        await database.WriteAsync(tx =>
        {
            RequireModel(tx, name);
            if (ModelExists(tx, newName))
            {
                throw KeelException.AlreadyExists($"Registered Model (name={newName}) already exists.");
            }

            var update = database.Statement(tx, "UPDATE registered_models SET name = $new, last_updated_time = $t WHERE name = $old");
            update.Parameters.AddWithValue("$new", newName);
            update.Parameters.AddWithValue("$old", name);
            update.Parameters.AddWithValue("$t", Now());
            update.ExecuteNonQuery();

            // Keep one history per model across renames; the rename event says what it was called.
            var events = database.Statement(tx, "UPDATE registry_events SET name = $new WHERE name = $old");
            events.Parameters.AddWithValue("$new", newName);
            events.Parameters.AddWithValue("$old", name);
            events.ExecuteNonQuery();
            Record(tx, newName, null, RegistryEventKinds.ModelRenamed, "name", name, newName, actor);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return await GetRegisteredModelAsync(newName, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RegisteredModel> UpdateRegisteredModelAsync(string name, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.Description(description, database.Limits);
        await database.WriteAsync(tx =>
        {
            var old = RequireModel(tx, name);
            var update = database.Statement(tx, "UPDATE registered_models SET description = $d, last_updated_time = $t WHERE name = $n");
            update.Parameters.AddWithValue("$d", (object?)description ?? DBNull.Value);
            update.Parameters.AddWithValue("$t", Now());
            update.Parameters.AddWithValue("$n", name);
            update.ExecuteNonQuery();
            Record(tx, name, null, RegistryEventKinds.ModelUpdated, "description", old, description, actor);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return await GetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DeleteRegisteredModelAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(tx =>
        {
            RequireModel(tx, name);
            var delete = database.Statement(tx, "DELETE FROM registered_models WHERE name = $n");
            delete.Parameters.AddWithValue("$n", name);
            delete.ExecuteNonQuery();
            Record(tx, name, null, RegistryEventKinds.ModelDeleted, null, name, null, actor);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string>? stages, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        if (LoadModels(connection, [name]).Count == 0)
        {
            throw ModelNotFound(name);
        }

        var wanted = stages is { Count: > 0 } ? stages : Stages;
        var versions = LoadVersions(connection, "v.name = $n AND v.current_stage <> 'Deleted_Internal'", p => p.AddWithValue("$n", name));
        IReadOnlyList<ModelVersion> latest = versions
            .Where(v => wanted.Contains(v.CurrentStage, StringComparer.Ordinal))
            .GroupBy(v => v.CurrentStage)
            .Select(g => g.MaxBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture))!)
            .OrderBy(v => long.Parse(v.Version, CultureInfo.InvariantCulture))
            .ToList();
        return Task.FromResult(latest);
    }

    /// <inheritdoc />
    public Task SetRegisteredModelTagAsync(string name, RegisteredModelTag tag, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        RegistryValidator.Tag(tag.Key, tag.Value);
        return database.WriteAsync(tx =>
        {
            RequireModel(tx, name);
            var old = ModelTagValue(tx, name, tag.Key);
            UpsertModelTag(tx, name, tag);
            Touch(tx, name);
            Record(tx, name, null, RegistryEventKinds.ModelTagSet, tag.Key, old, tag.Value, actor);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteRegisteredModelTagAsync(string name, string key, Actor actor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(tx =>
        {
            RequireModel(tx, name);
            var old = ModelTagValue(tx, name, key) ?? throw KeelException.NotFound($"No tag with key '{key}' on registered model '{name}'.");
            var delete = database.Statement(tx, "DELETE FROM registered_model_tags WHERE name = $n AND key = $k");
            delete.Parameters.AddWithValue("$n", name);
            delete.Parameters.AddWithValue("$k", key);
            delete.ExecuteNonQuery();
            Touch(tx, name);
            Record(tx, name, null, RegistryEventKinds.ModelTagDeleted, key, old, null, actor);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task SetAliasAsync(string name, string alias, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        AliasValidator.Validate(alias);
        return database.WriteAsync(tx =>
        {
            var number = ParseVersion(version);
            RequireLiveVersion(tx, name, number);
            var recorded = PromotionGuard.Check(name, version, VersionTagValue(tx, name, number, PromotionGuard.ValidationStatusTag), PromotionGuard.ProductionAliases.Contains(alias), actor);
            PointAlias(tx, name, alias, number, recorded, rollback: false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken = default) =>
        database.WriteAsync(tx =>
        {
            AliasValidator.Validate(alias);
            RequireModel(tx, name);
            RemoveAlias(tx, name, alias, actor, rollback: false);
            return true;
        }, cancellationToken);

    /// <inheritdoc />
    public Task<ModelVersion> GetModelVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        var versions = LoadVersions(
            connection,
            "v.version = (SELECT a.version FROM registered_model_aliases a WHERE a.name = $n AND a.alias = $a) AND v.name = $n",
            p =>
            {
                p.AddWithValue("$n", name);
                p.AddWithValue("$a", alias);
            });
        if (versions.Count == 0)
        {
            if (LoadModels(connection, [name]).Count == 0)
            {
                throw ModelNotFound(name);
            }

            // As MLflow's stores: a missing alias is a bad parameter, not a missing resource.
            throw KeelException.InvalidParameter($"Registered model alias {alias} not found.");
        }

        return Task.FromResult(versions[0]);
    }

    /// <inheritdoc />
    public async Task<ModelVersion> CreateModelVersionAsync(CreateModelVersionCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        RegistryValidator.CreateVersion(command, database.Limits);
        var runId = string.IsNullOrEmpty(command.RunId) ? null : TrackingValidator.ValidateRunId(command.RunId);
        var version = await database.WriteAsync(tx =>
        {
            // The source rule (ModelSourceValidator) runs here, in the write transaction, so every
            // entry point meets it and a run's artifact location is read as it is when the version is created.
            var source = ModelSourceValidator.ValidateRegistration(command.Source, runId, artifactRoot, id => RunArtifactUri(tx, id));
            RequireModel(tx, command.Name);
            var next = database.Statement(tx, "SELECT COALESCE(MAX(version), 0) + 1 FROM model_versions WHERE name = $n");
            next.Parameters.AddWithValue("$n", command.Name);
            var number = Convert.ToInt64(next.ExecuteScalar(), CultureInfo.InvariantCulture);
            var now = Now();
            var insert = database.Statement(tx, """
                INSERT INTO model_versions (name, version, creation_time, last_updated_time, user_id, current_stage, description, source, run_id, run_link, status, lineage)
                VALUES ($n, $v, $t, $t, $u, 'None', $d, $s, $r, $l, 'READY', $lin)
                """);
            insert.Parameters.AddWithValue("$n", command.Name);
            insert.Parameters.AddWithValue("$v", number);
            insert.Parameters.AddWithValue("$t", now);
            insert.Parameters.AddWithValue("$u", actor.User);
            insert.Parameters.AddWithValue("$d", (object?)command.Description ?? DBNull.Value);
            insert.Parameters.AddWithValue("$s", source.Value);
            insert.Parameters.AddWithValue("$r", (object?)runId ?? DBNull.Value);
            insert.Parameters.AddWithValue("$l", (object?)command.RunLink ?? DBNull.Value);
            insert.Parameters.AddWithValue("$lin", command.Lineage is null ? DBNull.Value : JsonSerializer.Serialize(command.Lineage, KeelJson.Options));
            insert.ExecuteNonQuery();
            foreach (var tag in command.Tags ?? [])
            {
                UpsertVersionTag(tx, command.Name, number, tag);
            }

            Touch(tx, command.Name);
            Record(tx, command.Name, number, RegistryEventKinds.VersionCreated, "stage", null, "None", actor);
            return number;
        }, cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(command.Name, version.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ModelVersion> GetModelVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var number = ParseVersion(version);
        using var connection = database.OpenReadConnection();
        var versions = LoadVersions(connection, "v.name = $n AND v.version = $v AND v.current_stage <> 'Deleted_Internal'", p =>
        {
            p.AddWithValue("$n", name);
            p.AddWithValue("$v", number);
        });
        return Task.FromResult(versions.Count == 1 ? versions[0] : throw VersionNotFound(name, number));
    }

    /// <inheritdoc />
    public async Task<ModelVersion> UpdateModelVersionAsync(string name, string version, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.Description(description, database.Limits);
        var number = ParseVersion(version);
        await database.WriteAsync(tx =>
        {
            RequireLiveVersion(tx, name, number);
            var update = database.Statement(tx, "UPDATE model_versions SET description = $d, last_updated_time = $t WHERE name = $n AND version = $v");
            update.Parameters.AddWithValue("$d", (object?)description ?? DBNull.Value);
            update.Parameters.AddWithValue("$t", Now());
            update.Parameters.AddWithValue("$n", name);
            update.Parameters.AddWithValue("$v", number);
            update.ExecuteNonQuery();
            Record(tx, name, number, RegistryEventKinds.VersionUpdated, "description", null, description, actor);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DeleteModelVersionAsync(string name, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        var number = ParseVersion(version);
        return database.WriteAsync(tx =>
        {
            var stage = RequireLiveVersion(tx, name, number);
            foreach (var alias in AliasesOf(tx, name, number))
            {
                RemoveAlias(tx, name, alias, actor, rollback: false);
            }

            var delete = database.Statement(tx, "UPDATE model_versions SET current_stage = 'Deleted_Internal', last_updated_time = $t WHERE name = $n AND version = $v");
            delete.Parameters.AddWithValue("$t", Now());
            delete.Parameters.AddWithValue("$n", name);
            delete.Parameters.AddWithValue("$v", number);
            delete.ExecuteNonQuery();
            Touch(tx, name);
            Record(tx, name, number, RegistryEventKinds.VersionDeleted, "stage", stage, null, actor);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ModelVersion> TransitionStageAsync(string name, string version, string stage, bool archiveExistingVersions, Actor actor, CancellationToken cancellationToken = default)
    {
        var number = ParseVersion(version);
        var canonical = CanonicalStage(stage);
        await database.WriteAsync(tx =>
        {
            RequireLiveVersion(tx, name, number);
            var recorded = PromotionGuard.Check(name, version, VersionTagValue(tx, name, number, PromotionGuard.ValidationStatusTag), PromotionGuard.IsProductionStage(canonical), actor);
            if (archiveExistingVersions && canonical is "Staging" or "Production")
            {
                foreach (var other in VersionsIn(tx, name, canonical).Where(v => v != number))
                {
                    MoveStage(tx, name, other, "Archived", recorded, rollback: false);
                }
            }

            MoveStage(tx, name, number, canonical, recorded, rollback: false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task SetModelVersionTagAsync(string name, string version, ModelVersionTag tag, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        RegistryValidator.Tag(tag.Key, tag.Value);
        var number = ParseVersion(version);
        return database.WriteAsync(tx =>
        {
            RequireLiveVersion(tx, name, number);
            var old = VersionTagValue(tx, name, number, tag.Key);
            UpsertVersionTag(tx, name, number, tag);
            Record(tx, name, number, RegistryEventKinds.VersionTagSet, tag.Key, old, tag.Value, actor);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteModelVersionTagAsync(string name, string version, string key, Actor actor, CancellationToken cancellationToken = default)
    {
        var number = ParseVersion(version);
        return database.WriteAsync(tx =>
        {
            RequireLiveVersion(tx, name, number);
            var old = VersionTagValue(tx, name, number, key) ?? throw KeelException.NotFound($"No tag with key '{key}' on model version (name={name}, version={number}).");
            var delete = database.Statement(tx, "DELETE FROM model_version_tags WHERE name = $n AND version = $v AND key = $k");
            delete.Parameters.AddWithValue("$n", name);
            delete.Parameters.AddWithValue("$v", number);
            delete.Parameters.AddWithValue("$k", key);
            delete.ExecuteNonQuery();
            Record(tx, name, number, RegistryEventKinds.VersionTagDeleted, key, old, null, actor);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<ModelLineage?> GetLineageAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var number = ParseVersion(version);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT lineage FROM model_versions WHERE name = $n AND version = $v AND current_stage <> 'Deleted_Internal'";
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$v", number);
        using var reader = cmd.ExecuteReader();
        if (!reader.Read())
        {
            throw VersionNotFound(name, number);
        }

        return Task.FromResult(reader.IsDBNull(0) ? null : JsonSerializer.Deserialize<ModelLineage>(reader.GetString(0), KeelJson.Options));
    }

    /// <summary>MLflow's canonical stage spelling; INVALID_PARAMETER_VALUE for anything else.</summary>
    /// <remarks>Keel's names (development, staging, production, archived) are accepted too.</remarks>
    public static string CanonicalStage(string? stage) => ModelStages.ToWireName(ModelStages.Parse(stage));

    internal static long ParseVersion(string? version) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw KeelException.InvalidParameter($"Model version must be a positive integer, got '{version}'.");

    private static KeelException ModelNotFound(string name) => KeelException.NotFound($"Registered Model with name={name} not found");

    private static KeelException VersionNotFound(string name, long version) => KeelException.NotFound($"Model Version (name={name}, version={version}) not found");
}
