using Keel.Core.Paging;

namespace Keel.Core.Tracking;

/// <summary>
/// The tracking store: experiments, runs, params, metrics, tags and dataset inputs.
/// Implementations validate nothing the server already validated with <c>TrackingValidator</c>
/// but enforce every rule that needs stored state (immutability, existence, lifecycle).
/// Every failure is a <see cref="Errors.KeelException"/> with MLflow's error code.
/// </summary>
public interface ITrackingStore
{
    Task<string> CreateExperimentAsync(string name, string? artifactLocation, IReadOnlyList<ExperimentTag>? tags, CancellationToken cancellationToken = default);

    Task<Experiment> GetExperimentAsync(string experimentId, CancellationToken cancellationToken = default);

    Task<Experiment> GetExperimentByNameAsync(string name, CancellationToken cancellationToken = default);

    Task<PagedResult<Experiment>> SearchExperimentsAsync(ExperimentSearchQuery query, CancellationToken cancellationToken = default);

    Task RenameExperimentAsync(string experimentId, string newName, CancellationToken cancellationToken = default);

    Task DeleteExperimentAsync(string experimentId, CancellationToken cancellationToken = default);

    Task RestoreExperimentAsync(string experimentId, CancellationToken cancellationToken = default);

    Task SetExperimentTagAsync(string experimentId, string key, string value, CancellationToken cancellationToken = default);

    Task DeleteExperimentTagAsync(string experimentId, string key, CancellationToken cancellationToken = default);

    Task<Run> CreateRunAsync(CreateRunCommand command, CancellationToken cancellationToken = default);

    Task<Run> GetRunAsync(string runId, CancellationToken cancellationToken = default);

    Task<RunInfo> UpdateRunAsync(string runId, RunStatus? status, long? endTime, string? runName, CancellationToken cancellationToken = default);

    Task DeleteRunAsync(string runId, CancellationToken cancellationToken = default);

    Task RestoreRunAsync(string runId, CancellationToken cancellationToken = default);

    Task LogMetricAsync(string runId, Metric metric, CancellationToken cancellationToken = default);

    Task LogParamAsync(string runId, Param param, CancellationToken cancellationToken = default);

    Task SetTagAsync(string runId, RunTag tag, CancellationToken cancellationToken = default);

    Task DeleteTagAsync(string runId, string key, CancellationToken cancellationToken = default);

    /// <summary>Logs metrics, params and tags in one atomic write (all or nothing).</summary>
    Task LogBatchAsync(string runId, IReadOnlyList<Metric> metrics, IReadOnlyList<Param> @params, IReadOnlyList<RunTag> tags, CancellationToken cancellationToken = default);

    Task LogInputsAsync(string runId, IReadOnlyList<DatasetInput> datasets, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every observation of one metric, ordered by step, timestamp, then insertion; at most
    /// <paramref name="maxResults"/> per page (<see cref="int.MaxValue"/>: all of them in one page).
    /// </summary>
    Task<PagedResult<Metric>> GetMetricHistoryAsync(string runId, string key, int maxResults, string? pageToken, CancellationToken cancellationToken = default);

    /// <summary>Runs matching an MLflow search filter; filtering and ordering run in the database.</summary>
    Task<PagedResult<Run>> SearchRunsAsync(RunSearchQuery query, CancellationToken cancellationToken = default);
}

/// <summary>What <see cref="ITrackingStore.CreateRunAsync"/> needs.</summary>
public sealed record CreateRunCommand(
    string ExperimentId,
    string? UserId,
    string? RunName,
    long? StartTime,
    IReadOnlyList<RunTag>? Tags);

/// <summary>An experiment search (MLflow <c>SearchExperiments</c>).</summary>
public sealed record ExperimentSearchQuery(
    ViewType ViewType = ViewType.ActiveOnly,
    int MaxResults = TrackingLimits.SearchExperimentsDefaultMaxResults,
    string? Filter = null,
    IReadOnlyList<string>? OrderBy = null,
    string? PageToken = null);

/// <summary>A run search (MLflow <c>SearchRuns</c>).</summary>
public sealed record RunSearchQuery(
    IReadOnlyList<string> ExperimentIds,
    string? Filter = null,
    ViewType ViewType = ViewType.ActiveOnly,
    int MaxResults = TrackingLimits.SearchRunsDefaultMaxResults,
    IReadOnlyList<string>? OrderBy = null,
    string? PageToken = null);
