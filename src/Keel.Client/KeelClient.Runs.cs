using Keel.Client.Http;
using Keel.Core.Paging;
using Keel.Core.Protocol;
using Keel.Core.Tracking;

namespace Keel.Client;

public sealed partial class KeelClient
{
    /// <summary>Starts a run in an experiment.</summary>
    public async Task<Run> CreateRunAsync(CreateRunCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        var request = new CreateRunRequest(command.ExperimentId, command.UserId, command.RunName, command.StartTime, command.Tags);
        var response = await PostJsonAsync<CreateRunRequest, RunResponse>("runs/create", request, cancellationToken).ConfigureAwait(false);
        return response.Run;
    }

    /// <summary>Starts a run in an experiment; the server picks the start time when none is given.</summary>
    public Task<Run> CreateRunAsync(string experimentId, string? runName = null, IReadOnlyList<RunTag>? tags = null, CancellationToken cancellationToken = default) =>
        CreateRunAsync(new CreateRunCommand(experimentId, UserId: null, runName, StartTime: null, tags), cancellationToken);

    /// <summary>Gets a run: info, latest metrics, params, tags and inputs.</summary>
    public async Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default)
    {
        var response = await GetJsonAsync<RunResponse>("runs/get", QueryString.Of("run_id", runId), cancellationToken).ConfigureAwait(false);
        return response.Run;
    }

    /// <summary>Changes a run's status, end time or name; null leaves a field unchanged.</summary>
    public async Task<RunInfo> UpdateRunAsync(string runId, RunStatus? status, long? endTime = null, string? runName = null, CancellationToken cancellationToken = default)
    {
        var request = new UpdateRunRequest(runId, RunUuid: runId, status, endTime, runName);
        var response = await PostJsonAsync<UpdateRunRequest, UpdateRunResponse>("runs/update", request, cancellationToken).ConfigureAwait(false);
        return response.RunInfo;
    }

    /// <summary>Marks a run deleted; <see cref="RestoreRunAsync"/> undoes it.</summary>
    public Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default) =>
        PostJsonAsync("runs/delete", new RunIdRequest(runId), cancellationToken);

    /// <summary>Restores a deleted run.</summary>
    public Task RestoreRunAsync(string runId, CancellationToken cancellationToken = default) =>
        PostJsonAsync("runs/restore", new RunIdRequest(runId), cancellationToken);

    /// <summary>One page of runs matching the query.</summary>
    public async Task<PagedResult<Run>> SearchRunsAsync(RunSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var request = new SearchRunsRequest(query.ExperimentIds, query.Filter, query.ViewType, query.MaxResults, query.OrderBy, query.PageToken);
        var response = await PostJsonAsync<SearchRunsRequest, SearchRunsResponse>("runs/search", request, cancellationToken).ConfigureAwait(false);
        return new PagedResult<Run>(response.Runs ?? [], EmptyToNull(response.NextPageToken));
    }

    /// <summary>Every run matching the query, fetching page after page as it is enumerated.</summary>
    public IAsyncEnumerable<Run> SearchAllRunsAsync(RunSearchQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return AllPagesAsync((token, ct) => SearchRunsAsync(query with { PageToken = token ?? query.PageToken }, ct), cancellationToken);
    }

    /// <summary>Logs one metric observation.</summary>
    public Task LogMetricAsync(string runId, Metric metric, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(metric);
        return PostJsonAsync("runs/log-metric", new LogMetricRequest(runId, metric.Key, metric.Value, metric.Timestamp, metric.Step, RunUuid: runId), cancellationToken);
    }

    /// <summary>Logs a parameter. Params are immutable: logging a different value again is INVALID_PARAMETER_VALUE.</summary>
    public Task LogParamAsync(string runId, Param param, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(param);
        return PostJsonAsync("runs/log-parameter", new LogParamRequest(runId, param.Key, param.Value, RunUuid: runId), cancellationToken);
    }

    /// <summary>Logs a parameter.</summary>
    public Task LogParamAsync(string runId, string key, string value, CancellationToken cancellationToken = default) =>
        LogParamAsync(runId, new Param(key, value), cancellationToken);

    /// <summary>Sets (adds or overwrites) a tag on a run.</summary>
    public Task SetTagAsync(string runId, RunTag tag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tag);
        return PostJsonAsync("runs/set-tag", new SetTagRequest(runId, tag.Key, tag.Value, RunUuid: runId), cancellationToken);
    }

    /// <summary>Sets (adds or overwrites) a tag on a run.</summary>
    public Task SetTagAsync(string runId, string key, string value, CancellationToken cancellationToken = default) =>
        SetTagAsync(runId, new RunTag(key, value), cancellationToken);

    /// <summary>Removes a tag from a run.</summary>
    public Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken = default) =>
        PostJsonAsync("runs/delete-tag", new DeleteTagRequest(runId, key), cancellationToken);

    /// <summary>Logs metrics, params and tags in one atomic write.</summary>
    public Task LogBatchAsync(string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<Param> @params, IReadOnlyList<RunTag> tags, CancellationToken cancellationToken = default) =>
        PostJsonAsync("runs/log-batch", new LogBatchRequest(runId, metrics, @params, tags), cancellationToken);

    /// <summary>Records the datasets a run used.</summary>
    public Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> datasets, CancellationToken cancellationToken = default) =>
        PostJsonAsync("runs/log-inputs", new LogInputsRequest(runId, datasets), cancellationToken);

    /// <summary>Records a logged model's MLmodel description (JSON) in the run's <c>mlflow.log-model.history</c> tag.</summary>
    public Task LogModelAsync(string runId, string modelJson, CancellationToken cancellationToken = default) =>
        PostJsonAsync("runs/log-model", new LogModelRequest(runId, modelJson), cancellationToken);
}
