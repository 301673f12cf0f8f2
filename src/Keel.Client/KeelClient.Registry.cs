using Keel.Client.Http;
using Keel.Core.Paging;
using Keel.Core.Protocol;
using Keel.Core.Registry;

namespace Keel.Client;

// Registered models and aliases (MLflow's registered-models/* endpoints).
public sealed partial class KeelClient
{
    /// <summary>Creates a registered model. RESOURCE_ALREADY_EXISTS when the name is taken.</summary>
    public async Task<RegisteredModel> CreateRegisteredModelAsync(string name, IReadOnlyList<RegisteredModelTag>? tags, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        var response = await SendRegistryJsonAsync<RegisteredModelResponse>(
            HttpMethod.Post, MlflowPath("registered-models/create"), new CreateRegisteredModelRequest(name, tags, description), actor, commentInBody: false, cancellationToken).ConfigureAwait(false);
        return response.RegisteredModel;
    }

    /// <summary>Gets a registered model with its tags, aliases and latest version per stage.</summary>
    public async Task<RegisteredModel> GetRegisteredModelAsync(string name, CancellationToken cancellationToken = default)
    {
        var response = await GetRegistryJsonAsync<RegisteredModelResponse>(
            MlflowPath("registered-models/get"), QueryString.Of("name", name), cancellationToken).ConfigureAwait(false);
        return response.RegisteredModel;
    }

    /// <summary>Renames a registered model; its versions, aliases and audit trail follow it.</summary>
    public async Task<RegisteredModel> RenameRegisteredModelAsync(string name, string newName, Actor actor, CancellationToken cancellationToken = default)
    {
        var response = await SendRegistryJsonAsync<RegisteredModelResponse>(
            HttpMethod.Post, MlflowPath("registered-models/rename"), new RenameRegisteredModelRequest(name, newName), actor, commentInBody: false, cancellationToken).ConfigureAwait(false);
        return response.RegisteredModel;
    }

    /// <summary>Sets (or, with null, clears) a registered model's description.</summary>
    public async Task<RegisteredModel> UpdateRegisteredModelAsync(string name, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        var response = await SendRegistryJsonAsync<RegisteredModelResponse>(
            HttpMethod.Patch, MlflowPath("registered-models/update"), new UpdateRegisteredModelRequest(name, description), actor, commentInBody: false, cancellationToken).ConfigureAwait(false);
        return response.RegisteredModel;
    }

    /// <summary>Deletes a registered model and all its versions (the audit trail is kept).</summary>
    public Task DeleteRegisteredModelAsync(string name, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return SendRegistryAsync(HttpMethod.Delete, MlflowPath("registered-models/delete"), new RegisteredModelNameRequest(name, actor.Comment), actor, commentInBody: true, cancellationToken);
    }

    /// <summary>One page of registered models matching an MLflow filter such as <c>name LIKE 'credit%'</c>.</summary>
    public async Task<PagedResult<RegisteredModel>> SearchRegisteredModelsAsync(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken cancellationToken = default)
    {
        var query = SearchQuery(filter, maxResults, orderBy, pageToken);
        var response = await GetRegistryJsonAsync<SearchRegisteredModelsResponse>(MlflowPath("registered-models/search"), query, cancellationToken).ConfigureAwait(false);
        return new PagedResult<RegisteredModel>(response.RegisteredModels ?? [], EmptyToNull(response.NextPageToken));
    }

    /// <summary>Every registered model matching the filter, fetching page after page (of <paramref name="pageSize"/>) as it is enumerated.</summary>
    public IAsyncEnumerable<RegisteredModel> SearchAllRegisteredModelsAsync(string? filter = null, IReadOnlyList<string>? orderBy = null, int pageSize = 100, CancellationToken cancellationToken = default) =>
        AllPagesAsync((token, ct) => SearchRegisteredModelsAsync(filter, pageSize, orderBy, token, ct), cancellationToken);

    /// <summary>The highest version in each of the given stages (either spelling; every stage when none given).</summary>
    public async Task<IReadOnlyList<ModelVersion>> GetLatestVersionsAsync(string name, IReadOnlyList<string>? stages, CancellationToken cancellationToken = default)
    {
        var response = await SendRegistryJsonAsync<ModelVersionsResponse>(
            HttpMethod.Post, MlflowPath("registered-models/get-latest-versions"), new GetLatestVersionsRequest(name, stages), ActorFor(), commentInBody: false, cancellationToken).ConfigureAwait(false);
        return response.ModelVersions ?? [];
    }

    /// <summary>Sets (adds or overwrites) a tag on a registered model.</summary>
    public Task SetRegisteredModelTagAsync(string name, RegisteredModelTag tag, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return SendRegistryAsync(HttpMethod.Post, MlflowPath("registered-models/set-tag"), new SetRegisteredModelTagRequest(name, tag.Key, tag.Value), actor, commentInBody: false, cancellationToken);
    }

    /// <summary>Removes a tag from a registered model; RESOURCE_DOES_NOT_EXIST when it has none with that key.</summary>
    public Task DeleteRegisteredModelTagAsync(string name, string key, Actor actor, CancellationToken cancellationToken = default) =>
        SendRegistryAsync(HttpMethod.Delete, MlflowPath("registered-models/delete-tag"), new DeleteRegisteredModelTagRequest(name, key), actor, commentInBody: false, cancellationToken);

    /// <summary>Points an alias (e.g. <c>champion</c>) at a version, moving it if it pointed elsewhere.</summary>
    public Task SetAliasAsync(string name, string alias, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return SendRegistryAsync(HttpMethod.Post, MlflowPath("registered-models/alias"), new SetRegisteredModelAliasRequest(name, alias, version, actor.Comment), actor, commentInBody: true, cancellationToken);
    }

    /// <summary>Removes an alias; removing one that does not exist is not an error (as MLflow).</summary>
    public Task DeleteAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return SendRegistryAsync(HttpMethod.Delete, MlflowPath("registered-models/alias"), new DeleteRegisteredModelAliasRequest(name, alias, actor.Comment), actor, commentInBody: true, cancellationToken);
    }

    /// <summary>The version an alias points at; RESOURCE_DOES_NOT_EXIST when the alias is not set.</summary>
    public async Task<ModelVersion> GetModelVersionByAliasAsync(string name, string alias, CancellationToken cancellationToken = default)
    {
        var response = await GetRegistryJsonAsync<ModelVersionResponse>(
            MlflowPath("registered-models/alias"), QueryString.Of("name", name).Add("alias", alias), cancellationToken).ConfigureAwait(false);
        return response.ModelVersion;
    }

    private static QueryString SearchQuery(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken)
    {
        var query = QueryString.Of("filter", string.IsNullOrEmpty(filter) ? null : filter).Add("max_results", maxResults).Add("page_token", pageToken);
        foreach (var clause in orderBy ?? [])
        {
            query = query.Add("order_by", clause);
        }

        return query;
    }
}
