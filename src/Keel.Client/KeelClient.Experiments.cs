using Keel.Client.Http;
using Keel.Core.Paging;
using Keel.Core.Protocol;
using Keel.Core.Tracking;

namespace Keel.Client;

public sealed partial class KeelClient
{
    /// <summary>Creates an experiment; returns its id. RESOURCE_ALREADY_EXISTS when the name is taken.</summary>
    public async Task<string> CreateExperimentAsync(string name, string? artifactLocation = null, IReadOnlyList<ExperimentTag>? tags = null, CancellationToken cancellationToken = default)
    {
        var response = await PostJsonAsync<CreateExperimentRequest, CreateExperimentResponse>(
            "experiments/create", new CreateExperimentRequest(name, artifactLocation, tags), cancellationToken).ConfigureAwait(false);
        return response.ExperimentId;
    }

    /// <summary>Gets an experiment by id, deleted ones included.</summary>
    public async Task<Experiment> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default)
    {
        var response = await GetJsonAsync<GetExperimentResponse>(
            "experiments/get", QueryString.Of("experiment_id", experimentId), cancellationToken).ConfigureAwait(false);
        return response.Experiment;
    }

    /// <summary>Gets an experiment by its name.</summary>
    public async Task<Experiment> GetExperimentByNameAsync(string name, CancellationToken cancellationToken = default)
    {
        var response = await GetJsonAsync<GetExperimentResponse>(
            "experiments/get-by-name", QueryString.Of("experiment_name", name), cancellationToken).ConfigureAwait(false);
        return response.Experiment;
    }

    /// <summary>One page of experiments matching the query.</summary>
    public async Task<PagedResult<Experiment>> SearchExperimentsAsync(ExperimentSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var request = new SearchExperimentsRequest(query.MaxResults, query.PageToken, query.Filter, query.OrderBy, query.ViewType);
        var response = await PostJsonAsync<SearchExperimentsRequest, SearchExperimentsResponse>("experiments/search", request, cancellationToken).ConfigureAwait(false);
        return new PagedResult<Experiment>(response.Experiments ?? [], EmptyToNull(response.NextPageToken));
    }

    /// <summary>Every experiment matching the query, fetching page after page as it is enumerated.</summary>
    public IAsyncEnumerable<Experiment> SearchAllExperimentsAsync(ExperimentSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return AllPagesAsync((token, ct) => SearchExperimentsAsync(query with { PageToken = token ?? query.PageToken }, ct), cancellationToken);
    }

    /// <summary>Renames an experiment (MLflow <c>experiments/update</c>).</summary>
    public Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken = default) =>
        PostJsonAsync("experiments/update", new UpdateExperimentRequest(experimentId, newName), cancellationToken);

    /// <summary>Marks an experiment and its runs deleted; <see cref="RestoreExperimentAsync"/> undoes it.</summary>
    public Task DeleteExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        PostJsonAsync("experiments/delete", new ExperimentIdRequest(experimentId), cancellationToken);

    /// <summary>Restores a deleted experiment.</summary>
    public Task RestoreExperimentAsync(string experimentId, CancellationToken cancellationToken = default) =>
        PostJsonAsync("experiments/restore", new ExperimentIdRequest(experimentId), cancellationToken);

    /// <summary>Sets (adds or overwrites) a tag on an experiment.</summary>
    public Task SetExperimentTagAsync(string experimentId, string key, string value, CancellationToken cancellationToken = default) =>
        PostJsonAsync("experiments/set-experiment-tag", new SetExperimentTagRequest(experimentId, key, value), cancellationToken);

    /// <summary>Removes a tag from an experiment.</summary>
    public Task DeleteExperimentTagAsync(string experimentId, string key, CancellationToken cancellationToken = default) =>
        PostJsonAsync("experiments/delete-experiment-tag", new DeleteExperimentTagRequest(experimentId, key), cancellationToken);
}
