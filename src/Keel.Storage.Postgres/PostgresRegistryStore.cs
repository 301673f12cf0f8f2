using System.Globalization;
using Keel.Core.Approvals;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Validation;

namespace Keel.Storage.Postgres;

/// <summary>
/// The model registry in PostgreSQL. The rules are <see cref="RegistryRules"/>'s, as in SQLite: each
/// change locks the model's row (<c>SELECT ... FOR UPDATE</c>), reads the state the rules need in
/// the same transaction, and applies the writes and audit entries they return in one round trip.
/// The lock serialises changes to one model across every process sharing the database, so version
/// numbers (max + 1, soft-deleted versions included) are unique and gap-free.
/// </summary>
/// <param name="database">The open database (schema version 7 or later).</param>
/// <param name="artifactRoot">Keel's artifact root, against which a new version's source is checked (<see cref="ModelSourceValidator"/>).</param>
/// <param name="limits">Input limits. <value>Default: <see cref="InputLimits.Default"/>.</value></param>
public sealed partial class PostgresRegistryStore(PostgresDatabase database, string artifactRoot, InputLimits? limits = null) : IRegistryStore
{
    private readonly RegistryRules _rules = new(limits);
    private readonly ApprovalRules _approvals = new(limits);

    private InputLimits Limits => _rules.Limits;

    private long Now() => database.NowMilliseconds();

    /// <inheritdoc />
    public async Task<RegisteredModel> CreateRegisteredModelAsync(string name, IReadOnlyList<RegisteredModelTag>? tags, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.ModelName(name);
        RegistryValidator.Tags(tags, t => (t.Key, t.Value));
        RegistryValidator.Description(description, Limits);
        await WriteAsync(async s => _rules.CreateModel(name, tags, description, actor, await s.LockModelAsync(name).ConfigureAwait(false) is not null, Now()), cancellationToken).ConfigureAwait(false);
        return await GetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken cancellationToken = default)
    {
        var models = await LoadModelsAsync([name], cancellationToken).ConfigureAwait(false);
        return models.Count == 1 ? models[0] : throw RegistryRules.ModelNotFound(name);
    }

    /// <inheritdoc />
    public async Task<RegisteredModel> RenameRegisteredModelAsync(string name, string newName, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.ModelName(newName, "new_name");
        await WriteAsync(
            async s => _rules.RenameModel(name, newName, actor, await s.LockModelAsync(name).ConfigureAwait(false), await s.ModelExistsAsync(newName).ConfigureAwait(false), Now()),
            cancellationToken).ConfigureAwait(false);
        return await GetRegisteredModelAsync(newName, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<RegisteredModel> UpdateRegisteredModelAsync(string name, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.Description(description, Limits);
        await WriteAsync(async s => _rules.UpdateModel(name, description, actor, await s.LockModelAsync(name).ConfigureAwait(false), Now()), cancellationToken).ConfigureAwait(false);
        return await GetRegisteredModelAsync(name, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DeleteRegisteredModelAsync(string name, Actor actor, CancellationToken cancellationToken = default) =>
        WriteAsync(async s => _rules.DeleteModel(name, actor, await s.LockModelAsync(name).ConfigureAwait(false), Now()), cancellationToken);

    /// <inheritdoc />
    public async Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string>? stages, CancellationToken cancellationToken = default)
    {
        var versions = await LoadVersionsAsync("v.name = @n AND v.current_stage <> 'Deleted_Internal'", c => c.Text("n", name), cancellationToken).ConfigureAwait(false);
        if (versions.Count == 0 && (await LoadModelsAsync([name], cancellationToken).ConfigureAwait(false)).Count == 0)
        {
            throw RegistryRules.ModelNotFound(name);
        }

        return RegistryRules.LatestPerStage(versions, stages);
    }

    /// <inheritdoc />
    public Task SetRegisteredModelTagAsync(string name, RegisteredModelTag tag, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        RegistryValidator.Tag(tag.Key, tag.Value);
        return WriteAsync(
            async s =>
            {
                var model = await s.LockModelAsync(name).ConfigureAwait(false);
                var old = await s.ModelTagValueAsync(name, tag.Key).ConfigureAwait(false);
                return _rules.SetModelTag(name, tag, actor, model, old, await s.ModelTagCountAsync(name).ConfigureAwait(false), Now());
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteRegisteredModelTagAsync(string name, string key, Actor actor, CancellationToken cancellationToken = default) =>
        WriteAsync(
            async s =>
            {
                var model = await s.LockModelAsync(name).ConfigureAwait(false);
                return _rules.DeleteModelTag(name, key, actor, model, await s.ModelTagValueAsync(name, key).ConfigureAwait(false), Now());
            },
            cancellationToken);

    /// <inheritdoc />
    public Task SetAliasAsync(string name, string alias, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        AliasValidator.Validate(alias);
        var number = RegistryRules.ParseVersion(version);
        return WriteAsync(
            async s =>
            {
                var state = await s.LockVersionAsync(name, number).ConfigureAwait(false);
                var status = await s.VersionTagValueAsync(name, number, PromotionGuard.ValidationStatusTag).ConfigureAwait(false);
                var approvals = PromotionGuard.ProductionAliases.Contains(alias) ? await s.ApprovalsAsync(name, number).ConfigureAwait(false) : null;
                return _rules.SetAlias(name, alias, number, actor, state, status, await s.AliasTargetAsync(name, alias).ConfigureAwait(false), Now(), approvals);
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken = default)
    {
        AliasValidator.Validate(alias);
        return WriteAsync(
            async s =>
            {
                var model = await s.LockModelAsync(name).ConfigureAwait(false);
                return _rules.DeleteAlias(name, alias, actor, model is not null, await s.AliasTargetAsync(name, alias).ConfigureAwait(false), Now());
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ModelVersion> GetModelVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken = default)
    {
        var versions = await LoadVersionsAsync(
            "v.name = @n AND v.version = (SELECT a.version FROM registered_model_aliases a WHERE a.name = @n AND a.alias = @a)",
            c => c.Text("n", name).Text("a", alias),
            cancellationToken).ConfigureAwait(false);
        if (versions.Count == 0)
        {
            if ((await LoadModelsAsync([name], cancellationToken).ConfigureAwait(false)).Count == 0)
            {
                throw RegistryRules.ModelNotFound(name);
            }

            // As MLflow's stores: a missing alias is a bad parameter, not a missing resource.
            throw KeelException.InvalidParameter($"Registered model alias {alias} not found.");
        }

        return versions[0];
    }

    /// <inheritdoc />
    public async Task<ModelVersion> CreateModelVersionAsync(CreateModelVersionCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(actor);
        RegistryValidator.CreateVersion(command, Limits);
        var runId = string.IsNullOrEmpty(command.RunId) ? null : TrackingValidator.ValidateRunId(command.RunId);
        var change = await WriteAsync(
            async s =>
            {
                // The source rule runs in the write transaction, as in SQLite: a run's artifact location is read as it is now.
                var runLocation = runId is null ? null : await s.RunArtifactUriAsync(runId).ConfigureAwait(false);
                var source = ModelSourceValidator.ValidateRegistration(command.Source, runId, artifactRoot, _ => runLocation);
                // The model's row lock serialises creates of its versions across processes: max + 1 is read under it.
                var exists = await s.LockModelAsync(command.Name).ConfigureAwait(false) is not null;
                var max = exists ? await s.MaxVersionAsync(command.Name).ConfigureAwait(false) : null;
                return _rules.CreateVersion(command, source, runId, actor, exists, max, Now());
            },
            cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(command.Name, change.Version!.Value.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ModelVersion> GetModelVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var number = RegistryRules.ParseVersion(version);
        var versions = await LoadVersionsAsync("v.name = @n AND v.version = @v AND v.current_stage <> 'Deleted_Internal'", c => c.Text("n", name).Long("v", number), cancellationToken).ConfigureAwait(false);
        return versions.Count == 1 ? versions[0] : throw RegistryRules.VersionNotFound(name, number);
    }

    /// <inheritdoc />
    public async Task<ModelVersion> UpdateModelVersionAsync(string name, string version, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        RegistryValidator.Description(description, Limits);
        var number = RegistryRules.ParseVersion(version);
        await WriteAsync(async s => _rules.UpdateVersion(name, number, description, actor, await s.LockVersionAsync(name, number).ConfigureAwait(false), Now()), cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task DeleteModelVersionAsync(string name, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        var number = RegistryRules.ParseVersion(version);
        return WriteAsync(
            async s =>
            {
                var state = await s.LockVersionAsync(name, number).ConfigureAwait(false);
                return _rules.DeleteVersion(name, number, actor, state, await s.AliasesOfAsync(name, number).ConfigureAwait(false), Now());
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ModelVersion> TransitionStageAsync(string name, string version, string stage, bool archiveExistingVersions, Actor actor, CancellationToken cancellationToken = default)
    {
        var number = RegistryRules.ParseVersion(version);
        var canonical = RegistryRules.CanonicalStage(stage);
        await WriteAsync(
            async s =>
            {
                var state = await s.LockVersionAsync(name, number).ConfigureAwait(false);
                var status = await s.VersionTagValueAsync(name, number, PromotionGuard.ValidationStatusTag).ConfigureAwait(false);
                var inStage = await s.VersionsInAsync(name, canonical).ConfigureAwait(false);
                var approvals = PromotionGuard.IsProductionStage(canonical) ? await s.ApprovalsAsync(name, number).ConfigureAwait(false) : null;
                return _rules.TransitionStage(name, number, canonical, archiveExistingVersions, actor, state, status, inStage, Now(), approvals);
            },
            cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(name, version, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task SetModelVersionTagAsync(string name, string version, ModelVersionTag tag, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        RegistryValidator.Tag(tag.Key, tag.Value);
        var number = RegistryRules.ParseVersion(version);
        return WriteAsync(
            async s =>
            {
                var state = await s.LockVersionAsync(name, number).ConfigureAwait(false);
                var old = await s.VersionTagValueAsync(name, number, tag.Key).ConfigureAwait(false);
                return _rules.SetVersionTag(name, number, tag, actor, state, old, await s.VersionTagCountAsync(name, number).ConfigureAwait(false), Now());
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public Task DeleteModelVersionTagAsync(string name, string version, string key, Actor actor, CancellationToken cancellationToken = default)
    {
        var number = RegistryRules.ParseVersion(version);
        return WriteAsync(
            async s =>
            {
                var state = await s.LockVersionAsync(name, number).ConfigureAwait(false);
                return _rules.DeleteVersionTag(name, number, key, actor, state, await s.VersionTagValueAsync(name, number, key).ConfigureAwait(false), Now());
            },
            cancellationToken);
    }

    /// <inheritdoc />
    public async Task<ModelLineage?> GetLineageAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var number = RegistryRules.ParseVersion(version);
        using var cmd = database.Command("SELECT lineage FROM model_versions WHERE name = @n AND version = @v AND current_stage <> 'Deleted_Internal'").Text("n", name).Long("v", number);
        var rows = await cmd.ListAsync(r => r.GetNullableString(0), cancellationToken).ConfigureAwait(false);
        if (rows.Count == 0)
        {
            throw RegistryRules.VersionNotFound(name, number);
        }

        return rows[0] is null ? null : System.Text.Json.JsonSerializer.Deserialize<ModelLineage>(rows[0]!, Core.Json.KeelJson.Options);
    }
}
