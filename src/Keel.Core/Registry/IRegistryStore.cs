using Keel.Core.Paging;

namespace Keel.Core.Registry;

/// <summary>
/// The model registry: registered models, auto-numbered versions, stages, aliases, tags, and an
/// audit trail of every change. Stages use MLflow's wire values (None, Staging, Production,
/// Archived). Every mutation records a <see cref="RegistryEvent"/> in the same transaction.
/// </summary>
public interface IRegistryStore
{
    Task<RegisteredModel> CreateRegisteredModelAsync(string name, IReadOnlyList<RegisteredModelTag>? tags, string? description, Actor actor, CancellationToken cancellationToken = default);

    Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken cancellationToken = default);

    Task<RegisteredModel> RenameRegisteredModelAsync(string name, string newName, Actor actor, CancellationToken cancellationToken = default);

    Task<RegisteredModel> UpdateRegisteredModelAsync(string name, string? description, Actor actor, CancellationToken cancellationToken = default);

    Task DeleteRegisteredModelAsync(string name, Actor actor, CancellationToken cancellationToken = default);

    Task<PagedResult<RegisteredModel>> SearchRegisteredModelsAsync(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>The highest version in each of the given stages (every stage when none given).</summary>
    Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string>? stages, CancellationToken cancellationToken = default);

    Task SetRegisteredModelTagAsync(string name, RegisteredModelTag tag, Actor actor, CancellationToken cancellationToken = default);

    Task DeleteRegisteredModelTagAsync(string name, string key, Actor actor, CancellationToken cancellationToken = default);

    Task SetAliasAsync(string name, string alias, string version, Actor actor, CancellationToken cancellationToken = default);

    Task DeleteAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken = default);

    Task<ModelVersion> GetModelVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken = default);

    /// <summary>Creates version max+1 of the model; numbers are unique and gap-free under concurrency.</summary>
    Task<ModelVersion> CreateModelVersionAsync(CreateModelVersionCommand command, Actor actor, CancellationToken cancellationToken = default);

    Task<ModelVersion> GetModelVersionAsync(string name, string version, CancellationToken cancellationToken = default);

    Task<ModelVersion> UpdateModelVersionAsync(string name, string version, string? description, Actor actor, CancellationToken cancellationToken = default);

    Task DeleteModelVersionAsync(string name, string version, Actor actor, CancellationToken cancellationToken = default);

    Task<PagedResult<ModelVersion>> SearchModelVersionsAsync(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>Moves a version to a stage; with <paramref name="archiveExistingVersions"/> other versions in that stage go to Archived.</summary>
    Task<ModelVersion> TransitionStageAsync(string name, string version, string stage, bool archiveExistingVersions, Actor actor, CancellationToken cancellationToken = default);

    Task SetModelVersionTagAsync(string name, string version, ModelVersionTag tag, Actor actor, CancellationToken cancellationToken = default);

    Task DeleteModelVersionTagAsync(string name, string version, string key, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>The version's lineage as recorded when it was created.</summary>
    Task<ModelLineage?> GetLineageAsync(string name, string version, CancellationToken cancellationToken = default);

    /// <summary>The audit trail, oldest first.</summary>
    Task<PagedResult<RegistryEvent>> ListEventsAsync(RegistryEventQuery query, CancellationToken cancellationToken = default);

    /// <summary>The versions that held a stage (MLflow wire value) at a moment, from the audit trail.</summary>
    Task<IReadOnlyList<string>> VersionsInStageAtAsync(string name, string stage, long timestamp, CancellationToken cancellationToken = default);

    /// <summary>The version an alias pointed at at a moment, from the audit trail; null when none.</summary>
    Task<string?> AliasTargetAtAsync(string name, string alias, long timestamp, CancellationToken cancellationToken = default);

    /// <summary>Moves a stage back to the version that held it before the current one (audited as a rollback).</summary>
    Task<ModelVersion> RollbackStageAsync(string name, string stage, Actor actor, CancellationToken cancellationToken = default);

    /// <summary>Points an alias back at the version it pointed at before (audited as a rollback).</summary>
    Task<ModelVersion?> RollbackAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="IRegistryStore.CreateModelVersionAsync"/> needs. The source must already be validated.</summary>
public sealed record CreateModelVersionCommand(
    string Name,
    string Source,
    string? RunId,
    IReadOnlyList<ModelVersionTag>? Tags,
    string? RunLink,
    string? Description,
    ModelLineage? Lineage);
