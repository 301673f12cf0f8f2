using Keel.Client.Http;
using Keel.Core.Paging;
using Keel.Core.Protocol;
using Keel.Core.Registry;

namespace Keel.Client;

// Model versions (MLflow's model-versions/* endpoints).
public sealed partial class KeelClient
{
    /// <summary>
    /// Registers the next version of a model from <see cref="CreateModelVersionCommand.Source"/>,
    /// which the server checks lies in its artifact store. The server records the lineage itself
    /// (from the run), so <see cref="CreateModelVersionCommand.Lineage"/> is not sent.
    /// </summary>
    public async Task<ModelVersion> CreateModelVersionAsync(CreateModelVersionCommand command, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var request = new CreateModelVersionRequest(command.Name, command.Source, command.RunId, command.Tags, command.RunLink, command.Description);
        var response = await SendRegistryJsonAsync<ModelVersionResponse>(HttpMethod.Post, MlflowPath("model-versions/create"), request, actor, commentInBody: false, cancellationToken).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>Gets one version; RESOURCE_DOES_NOT_EXIST when absent or deleted.</summary>
    public async Task<ModelVersion> GetModelVersionAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var response = await GetRegistryJsonAsync<ModelVersionResponse>(
            MlflowPath("model-versions/get"), QueryString.Of("name", name).Add("version", version), cancellationToken).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>Sets (or, with null, clears) a version's description.</summary>
    public async Task<ModelVersion> UpdateModelVersionAsync(string name, string version, string? description, Actor actor, CancellationToken cancellationToken = default)
    {
        var response = await SendRegistryJsonAsync<ModelVersionResponse>(
            HttpMethod.Patch, MlflowPath("model-versions/update"), new UpdateModelVersionRequest(name, version, description), actor, commentInBody: false, cancellationToken).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>Deletes a version (its aliases are removed; its number is never reused).</summary>
    public Task DeleteModelVersionAsync(string name, string version, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        return SendRegistryAsync(HttpMethod.Delete, MlflowPath("model-versions/delete"), new ModelVersionKeyRequest(name, version, actor.Comment), actor, commentInBody: true, cancellationToken);
    }

    /// <summary>One page of versions matching an MLflow filter such as <c>name = 'credit'</c> or <c>run_id = '...'</c>.</summary>
    public async Task<PagedResult<ModelVersion>> SearchModelVersionsAsync(string? filter, int maxResults, IReadOnlyList<string>? orderBy, string? pageToken, CancellationToken cancellationToken = default)
    {
        var query = SearchQuery(filter, maxResults, orderBy, pageToken);
        var response = await GetRegistryJsonAsync<SearchModelVersionsResponse>(MlflowPath("model-versions/search"), query, cancellationToken).ConfigureAwait(false);
        return new PagedResult<ModelVersion>(response.ModelVersions ?? [], EmptyToNull(response.NextPageToken));
    }

    /// <summary>Every version matching the filter, fetching page after page (of <paramref name="pageSize"/>) as it is enumerated.</summary>
    public IAsyncEnumerable<ModelVersion> SearchAllModelVersionsAsync(string? filter = null, IReadOnlyList<string>? orderBy = null, int pageSize = 1000, CancellationToken cancellationToken = default) =>
        AllPagesAsync((token, ct) => SearchModelVersionsAsync(filter, pageSize, orderBy, token, ct), cancellationToken);

    /// <summary>Every version of one registered model, oldest first.</summary>
    /// <remarks>
    /// Asks the server for <c>name = '...'</c>. A server whose registry search takes no filter yet
    /// refuses that with INVALID_PARAMETER_VALUE (the filter itself is always well-formed); then
    /// every version is fetched and the model's are picked here.
    /// </remarks>
    public async Task<IReadOnlyList<ModelVersion>> ListModelVersionsAsync(string name, CancellationToken cancellationToken = default)
    {
        List<ModelVersion> versions;
        try
        {
            versions = await SearchAllModelVersionsAsync(NameFilter(name), cancellationToken: cancellationToken).ToListAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Core.Errors.KeelException e) when (e.Code == Core.Errors.ErrorCode.InvalidParameterValue)
        {
            versions = await SearchAllModelVersionsAsync(cancellationToken: cancellationToken).Where(v => v.Name == name).ToListAsync(cancellationToken).ConfigureAwait(false);
        }

        return versions.Where(v => v.Name == name).OrderBy(v => long.Parse(v.Version, System.Globalization.CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>
    /// Moves a version to a stage (MLflow's None, Staging, Production, Archived or Keel's
    /// development, staging, production, archived); with <paramref name="archiveExistingVersions"/>
    /// the other versions in Staging or Production go to Archived.
    /// </summary>
    public async Task<ModelVersion> TransitionStageAsync(string name, string version, string stage, bool archiveExistingVersions, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(actor);
        var request = new TransitionModelVersionStageRequest(name, version, stage, archiveExistingVersions, actor.Comment);
        var response = await SendRegistryJsonAsync<ModelVersionResponse>(HttpMethod.Post, MlflowPath("model-versions/transition-stage"), request, actor, commentInBody: true, cancellationToken).ConfigureAwait(false);
        return response.ModelVersion;
    }

    /// <summary>Sets (adds or overwrites) a tag on a version.</summary>
    public Task SetModelVersionTagAsync(string name, string version, ModelVersionTag tag, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return SendRegistryAsync(HttpMethod.Post, MlflowPath("model-versions/set-tag"), new SetModelVersionTagRequest(name, version, tag.Key, tag.Value), actor, commentInBody: false, cancellationToken);
    }

    /// <summary>Removes a tag from a version; RESOURCE_DOES_NOT_EXIST when it has none with that key.</summary>
    public Task DeleteModelVersionTagAsync(string name, string version, string key, Actor actor, CancellationToken cancellationToken = default) =>
        SendRegistryAsync(HttpMethod.Delete, MlflowPath("model-versions/delete-tag"), new DeleteModelVersionTagRequest(name, version, key), actor, commentInBody: false, cancellationToken);

    /// <summary>Where a version's files can be downloaded from (a runs:/ source resolved to the run's artifact location).</summary>
    public async Task<string> GetModelVersionDownloadUriAsync(string name, string version, CancellationToken cancellationToken = default)
    {
        var response = await GetRegistryJsonAsync<GetModelVersionDownloadUriResponse>(
            MlflowPath("model-versions/get-download-uri"), QueryString.Of("name", name).Add("version", version), cancellationToken).ConfigureAwait(false);
        return response.ArtifactUri;
    }

    /// <summary>An MLflow filter selecting one model by exact name, quoting it as the filter grammar needs.</summary>
    public static string NameFilter(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return "name = '" + name.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("'", "''", StringComparison.Ordinal) + "'";
    }
}
