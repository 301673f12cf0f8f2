using Keel.Core.Tracking;

namespace Keel.Core.Protocol;

public sealed record CreateRunRequest(
    string? ExperimentId,
    string? UserId = null,
    string? RunName = null,
    long? StartTime = null,
    IReadOnlyList<RunTag>? Tags = null);

public sealed record RunResponse(Run Run);

public sealed record UpdateRunRequest(
    string? RunId = null,
    string? RunUuid = null,
    RunStatus? Status = null,
    long? EndTime = null,
    string? RunName = null);

public sealed record UpdateRunResponse(RunInfo RunInfo);

public sealed record RunIdRequest(string? RunId);

public sealed record LogMetricRequest(
    string? RunId,
    string? Key,
    double? Value,
    long? Timestamp,
    long? Step = null,
    string? RunUuid = null);

public sealed record LogParamRequest(string? RunId, string? Key, string? Value, string? RunUuid = null);

public sealed record SetTagRequest(string? RunId, string? Key, string? Value, string? RunUuid = null);

public sealed record DeleteTagRequest(string? RunId, string? Key);

public sealed record LogBatchRequest(
    string? RunId,
    IReadOnlyList<Metric>? Metrics = null,
    IReadOnlyList<Param>? Params = null,
    IReadOnlyList<RunTag>? Tags = null);

public sealed record LogInputsRequest(string? RunId, IReadOnlyList<DatasetInput>? Datasets = null);

public sealed record LogModelRequest(string? RunId, string? ModelJson);

public sealed record SearchRunsRequest(
    IReadOnlyList<string>? ExperimentIds = null,
    string? Filter = null,
    ViewType? RunViewType = null,
    long? MaxResults = null,
    IReadOnlyList<string>? OrderBy = null,
    string? PageToken = null);

public sealed record SearchRunsResponse(IReadOnlyList<Run>? Runs, string? NextPageToken);

public sealed record GetMetricHistoryResponse(IReadOnlyList<Metric>? Metrics, string? NextPageToken);
