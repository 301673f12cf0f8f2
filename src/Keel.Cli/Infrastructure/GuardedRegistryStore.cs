using Keel.Core.Paging;
using Keel.Core.Registry;
using Keel.Server.Registry;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// A local registry store with the promotion rule the server applies to the same calls
/// (<see cref="PromotionGuard"/>): a version whose gates failed goes into production (the
/// Production stage, the production/champion aliases) only when forced with a reason. So
/// <c>keel models promote|alias</c> on a local store meets the rule it meets through a server.
/// </summary>
/// <remarks>When the rule moves into a Core service every entry point goes through, this wrapper goes.</remarks>
internal sealed class GuardedRegistryStore(IRegistryStore inner) : IRegistryStore
{
    public async Task<ModelVersion> TransitionStageAsync(string name, string version, string stage, bool archiveExistingVersions, Actor actor, CancellationToken cancellationToken = default)
    {
        var checkedActor = await PromotionGuard.CheckAsync(inner, name, version, stage == "Production", actor, cancellationToken).ConfigureAwait(false);
        return await inner.TransitionStageAsync(name, version, stage, archiveExistingVersions, checkedActor, cancellationToken).ConfigureAwait(false);
    }

    public async Task SetAliasAsync(string name, string alias, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        var checkedActor = await PromotionGuard.CheckAsync(inner, name, version, PromotionGuard.ProductionAliases.Contains(alias), actor, cancellationToken).ConfigureAwait(false);
        await inner.SetAliasAsync(name, alias, version, checkedActor, cancellationToken).ConfigureAwait(false);
    }

    public Task<RegisteredModel> CreateRegisteredModelAsync(string name, IReadOnlyList<RegisteredModelTag>? tags, string? description, Actor actor, CancellationToken cancellationToken) =>
        inner.CreateRegisteredModelAsync(name, tags, description, actor, cancellationToken);

    public Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken cancellationToken) =>
        inner.GetRegisteredModelAsync(name, cancellationToken);

    public Task<RegisteredModel> RenameRegisteredModelAsync(string name, string newName, Actor actor, CancellationToken cancellationToken) =>
        inner.RenameRegisteredModelAsync(name, newName, actor, cancellationToken);

    public Task<RegisteredModel> UpdateRegisteredModelAsync(string name, string? description, Actor actor, CancellationToken cancellationToken) =>
        inner.UpdateRegisteredModelAsync(name, description, actor, cancellationToken);

    public Task DeleteRegisteredModelAsync(string name, Actor actor, CancellationToken cancellationToken) =>
        inner.DeleteRegisteredModelAsync(name, actor, cancellationToken);

    public Task<PagedResult<RegisteredModel>> SearchRegisteredModelsAsync(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken cancellationToken) =>
        inner.SearchRegisteredModelsAsync(filter, maxResults, orderBy, pageToken, cancellationToken);

    public Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string>? stages, CancellationToken cancellationToken) =>
        inner.GetLatestVersionsAsync(name, stages, cancellationToken);

    public Task SetRegisteredModelTagAsync(string name, RegisteredModelTag tag, Actor actor, CancellationToken cancellationToken) =>
        inner.SetRegisteredModelTagAsync(name, tag, actor, cancellationToken);

    public Task DeleteRegisteredModelTagAsync(string name, string key, Actor actor, CancellationToken cancellationToken) =>
        inner.DeleteRegisteredModelTagAsync(name, key, actor, cancellationToken);

    public Task DeleteAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken) =>
        inner.DeleteAliasAsync(name, alias, actor, cancellationToken);

    public Task<ModelVersion> GetModelVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken) =>
        inner.GetModelVersionByAliasAsync(name, alias, cancellationToken);

    public Task<ModelVersion> CreateModelVersionAsync(CreateModelVersionCommand command, Actor actor, CancellationToken cancellationToken) =>
        inner.CreateModelVersionAsync(command, actor, cancellationToken);

    public Task<ModelVersion> GetModelVersionAsync(string name, string version, CancellationToken cancellationToken) =>
        inner.GetModelVersionAsync(name, version, cancellationToken);

    public Task<ModelVersion> UpdateModelVersionAsync(string name, string version, string? description, Actor actor, CancellationToken cancellationToken) =>
        inner.UpdateModelVersionAsync(name, version, description, actor, cancellationToken);

    public Task DeleteModelVersionAsync(string name, string version, Actor actor, CancellationToken cancellationToken) =>
        inner.DeleteModelVersionAsync(name, version, actor, cancellationToken);

    public Task<PagedResult<ModelVersion>> SearchModelVersionsAsync(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken cancellationToken) =>
        inner.SearchModelVersionsAsync(filter, maxResults, orderBy, pageToken, cancellationToken);

    public Task SetModelVersionTagAsync(string name, string version, ModelVersionTag tag, Actor actor, CancellationToken cancellationToken) =>
        inner.SetModelVersionTagAsync(name, version, tag, actor, cancellationToken);

    public Task DeleteModelVersionTagAsync(string name, string version, string key, Actor actor, CancellationToken cancellationToken) =>
        inner.DeleteModelVersionTagAsync(name, version, key, actor, cancellationToken);

    public Task<ModelLineage?> GetLineageAsync(string name, string version, CancellationToken cancellationToken) =>
        inner.GetLineageAsync(name, version, cancellationToken);

    public Task<PagedResult<RegistryEvent>> ListEventsAsync(RegistryEventQuery query, CancellationToken cancellationToken) =>
        inner.ListEventsAsync(query, cancellationToken);

    public Task<IReadOnlyList<string>> VersionsInStageAtAsync(string name, string stage, long timestamp, CancellationToken cancellationToken) =>
        inner.VersionsInStageAtAsync(name, stage, timestamp, cancellationToken);

    public Task<string?> AliasTargetAtAsync(string name, string alias, long timestamp, CancellationToken cancellationToken) =>
        inner.AliasTargetAtAsync(name, alias, timestamp, cancellationToken);

    public Task<ModelVersion> RollbackStageAsync(string name, string stage, Actor actor, CancellationToken cancellationToken) =>
        inner.RollbackStageAsync(name, stage, actor, cancellationToken);

    public Task<ModelVersion?> RollbackAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken) =>
        inner.RollbackAliasAsync(name, alias, actor, cancellationToken);
}
