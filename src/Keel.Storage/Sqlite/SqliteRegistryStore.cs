using System.Globalization;
using Keel.Core.Approvals;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Validation;

namespace Keel.Storage.Sqlite;

/// <summary>
/// The model registry in the same SQLite database as tracking, sharing its group-commit writer, so
/// version numbering (max + 1 inside the single writer transaction) is unique and gap-free, and
/// every change and its audit event commit together. The rules are <see cref="RegistryRules"/>'s:
/// each write reads the state they need in the writer's transaction and applies the writes they return.
/// </summary>
/// <remarks>
/// Deleted versions are kept with the internal stage <c>Deleted_Internal</c> (as MLflow does) so
/// their numbers are never reused; every read hides them.
/// </remarks>
public sealed partial class SqliteRegistryStore(SqliteDatabase database, string artifactRoot) : IRegistryStore
{
    private readonly RegistryRules _rules = new(database.Limits);
    private readonly ApprovalRules _approvals = new(database.Limits);

    private long Now() => database.NowMilliseconds();

    /// <inheritdoc />
    public async Task<RegisteredModel> CreateRegisteredModelAsync(string name, IReadOnlyList<RegisteredModelTag>? tags, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.ModelName(name);
        RegistryValidator.Tags(tags, t => (t.Key, t.Value));
        RegistryValidator.Description(description, database.Limits);
        await Write(tx => _rules.CreateModel(name, tags, description, actor, ReadModel(tx, name) is not null, Now()), cancellationToken).ConfigureAwait(false);
        return await GetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        var models = LoadModels(connection, [name]);
        return Task.FromResult(models.Count == 1 ? models[0] : throw RegistryRules.ModelNotFound(name));
    }

    /// <inheritdoc />
    public async Task<RegisteredModel> RenameRegisteredModelAsync(string name, string newName, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.ModelName(newName, "new_name");
        await Write(tx => _rules.RenameModel(name, newName, actor, ReadModel(tx, name), ReadModel(tx, newName) is not null, Now()), cancellationToken).ConfigureAwait(false);
        return await GetRegisteredModelAsync(newName, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RegisteredModel> UpdateRegisteredModelAsync(string name, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.Description(description, database.Limits);
        await Write(tx => _rules.UpdateModel(name, description, actor, ReadModel(tx, name), Now()), cancellationToken).ConfigureAwait(false);
        return await GetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DeleteRegisteredModelAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        Write(tx => _rules.DeleteModel(name, actor, ReadModel(tx, name), Now()), cancellationToken);

    /// <inheritdoc />
    public Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string>? stages, CancellationToken cancellationToken = default)
    {
        using var connection = database.OpenReadConnection();
        if (LoadModels(connection, [name]).Count == 0)
        {
            throw RegistryRules.ModelNotFound(name);
        }

        var versions = LoadVersions(connection, "v.name = $n AND v.current_stage <> 'Deleted_Internal'", p => p.AddWithValue("$n", name));
        return Task.FromResult(RegistryRules.LatestPerStage(versions, stages));
    }

    /// <inheritdoc />
    public Task SetRegisteredModelTagAsync(string name, RegisteredModelTag tag, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        RegistryValidator.Tag(tag.Key, tag.Value);
        return Write(tx => _rules.SetModelTag(name, tag, actor, ReadModel(tx, name), ModelTagValue(tx, name, tag.Key), ModelTagCount(tx, name), Now()), cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteRegisteredModelTagAsync(string name, string key, Actor actor, CancellationToken cancellationToken = default) =>
        Write(tx => _rules.DeleteModelTag(name, key, actor, ReadModel(tx, name), ModelTagValue(tx, name, key), Now()), cancellationToken);

    /// <inheritdoc />
    public Task SetAliasAsync(string name, string alias, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        AliasValidator.Validate(alias);
        return Write(tx =>
        {
            var number = RegistryRules.ParseVersion(version);
            return _rules.SetAlias(name, alias, number, actor, ReadVersion(tx, name, number), VersionTagValue(tx, name, number, PromotionGuard.ValidationStatusTag), AliasTarget(tx, name, alias), Now(),
                PromotionGuard.ProductionAliases.Contains(alias) ? ReadApprovals(tx, name, number) : null);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken = default) =>
        Write(tx =>
        {
            AliasValidator.Validate(alias);
            return _rules.DeleteAlias(name, alias, actor, ReadModel(tx, name) is not null, AliasTarget(tx, name, alias), Now());
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
                throw RegistryRules.ModelNotFound(name);
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
        var change = await Write(tx =>
        {
            // The source rule (ModelSourceValidator) runs here, in the write transaction, so every
            // entry point meets it and a run's artifact location is read as it is when the version is created.
            var source = ModelSourceValidator.ValidateRegistration(command.Source, runId, artifactRoot, id => RunArtifactUri(tx, id));
            return _rules.CreateVersion(command, source, runId, actor, ReadModel(tx, command.Name) is not null, MaxVersion(tx, command.Name), Now());
        }, cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(command.Name, change.Version!.Value.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task<ModelVersion> GetModelVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var number = RegistryRules.ParseVersion(version);
        using var connection = database.OpenReadConnection();
        var versions = LoadVersions(connection, "v.name = $n AND v.version = $v AND v.current_stage <> 'Deleted_Internal'", p =>
        {
            p.AddWithValue("$n", name);
            p.AddWithValue("$v", number);
        });
        return Task.FromResult(versions.Count == 1 ? versions[0] : throw RegistryRules.VersionNotFound(name, number));
    }

    /// <inheritdoc />
    public async Task<ModelVersion> UpdateModelVersionAsync(string name, string version, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.Description(description, database.Limits);
        var number = RegistryRules.ParseVersion(version);
        await Write(tx => _rules.UpdateVersion(name, number, description, actor, ReadVersion(tx, name, number), Now()), cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DeleteModelVersionAsync(string name, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        var number = RegistryRules.ParseVersion(version);
        return Write(tx => _rules.DeleteVersion(name, number, actor, ReadVersion(tx, name, number), AliasesOf(tx, name, number), Now()), cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ModelVersion> TransitionStageAsync(string name, string version, string stage, bool archiveExistingVersions, Actor actor, CancellationToken cancellationToken = default)
    {
        var number = RegistryRules.ParseVersion(version);
        var canonical = RegistryRules.CanonicalStage(stage);
        await Write(
            tx => _rules.TransitionStage(name, number, canonical, archiveExistingVersions, actor, ReadVersion(tx, name, number),
                VersionTagValue(tx, name, number, PromotionGuard.ValidationStatusTag), VersionsIn(tx, name, canonical), Now(),
                PromotionGuard.IsProductionStage(canonical) ? ReadApprovals(tx, name, number) : null),
            cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task SetModelVersionTagAsync(string name, string version, ModelVersionTag tag, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        RegistryValidator.Tag(tag.Key, tag.Value);
        var number = RegistryRules.ParseVersion(version);
        return Write(
            tx => _rules.SetVersionTag(name, number, tag, actor, ReadVersion(tx, name, number), VersionTagValue(tx, name, number, tag.Key), VersionTagCount(tx, name, number), Now()),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteModelVersionTagAsync(string name, string version, string key, Actor actor, CancellationToken cancellationToken = default)
    {
        var number = RegistryRules.ParseVersion(version);
        return Write(tx => _rules.DeleteVersionTag(name, number, key, actor, ReadVersion(tx, name, number), VersionTagValue(tx, name, number, key), Now()), cancellationToken);
    }

    /// <inheritdoc />
    public Task<ModelLineage?> GetLineageAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var number = RegistryRules.ParseVersion(version);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = "SELECT lineage FROM model_versions WHERE name = $n AND version = $v AND current_stage <> 'Deleted_Internal'";
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$v", number);
        using var reader = cmd.ExecuteReader();
        if (!reader.Read())
        {
            throw RegistryRules.VersionNotFound(name, number);
        }

        return Task.FromResult(reader.IsDBNull(0) ? null : System.Text.Json.JsonSerializer.Deserialize<ModelLineage>(reader.GetString(0), Core.Json.KeelJson.Options));
    }

}
