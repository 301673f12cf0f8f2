namespace Keel.Core.Tracking;

/// <summary>Lifecycle stages as MLflow spells them.</summary>
public static class LifecycleStage
{
    public const string Active = "active";
    public const string Deleted = "deleted";
}

/// <summary>Which lifecycle stages a search returns (MLflow <c>ViewType</c>).</summary>
public enum ViewType
{
    ActiveOnly = 1,
    DeletedOnly = 2,
    All = 3,
}

/// <summary>A run's status (MLflow <c>RunStatus</c>).</summary>
public enum RunStatus
{
    Running = 1,
    Scheduled = 2,
    Finished = 3,
    Failed = 4,
    Killed = 5,
}

/// <summary>A tag on an experiment.</summary>
public sealed record ExperimentTag(string Key, string Value);

/// <summary>A tag on a run.</summary>
public sealed record RunTag(string Key, string Value);

/// <summary>A run parameter: immutable once logged.</summary>
public sealed record Param(string Key, string Value);

/// <summary>One metric observation. <see cref="Timestamp"/> is Unix milliseconds.</summary>
public sealed record Metric(string Key, double Value, long Timestamp, long Step);

/// <summary>An experiment: a named group of runs with its own artifact location.</summary>
public sealed record Experiment(
    string ExperimentId,
    string Name,
    string ArtifactLocation,
    string LifecycleStage,
    long LastUpdateTime,
    long CreationTime,
    IReadOnlyList<ExperimentTag> Tags);

/// <summary>Run metadata (MLflow <c>RunInfo</c>). <c>run_uuid</c> duplicates <c>run_id</c> for old clients.</summary>
public sealed record RunInfo(
    string RunId,
    string RunUuid,
    string RunName,
    string ExperimentId,
    string UserId,
    RunStatus Status,
    long StartTime,
    long? EndTime,
    string ArtifactUri,
    string LifecycleStage);

/// <summary>The latest value per metric key, every param and every tag of a run.</summary>
public sealed record RunData(
    IReadOnlyList<Metric> Metrics,
    IReadOnlyList<Param> Params,
    IReadOnlyList<RunTag> Tags);

/// <summary>A dataset a run used, identified by name and content digest.</summary>
public sealed record Dataset(
    string Name,
    string Digest,
    string SourceType,
    string Source,
    string? Schema = null,
    string? Profile = null);

/// <summary>A tag on a dataset input, e.g. <c>mlflow.data.context = training</c>.</summary>
public sealed record InputTag(string Key, string Value);

/// <summary>A dataset as used by one run, with the run-specific tags.</summary>
public sealed record DatasetInput(IReadOnlyList<InputTag> Tags, Dataset Dataset);

/// <summary>A run's inputs.</summary>
public sealed record RunInputs(IReadOnlyList<DatasetInput> DatasetInputs);

/// <summary>A run: info, data and inputs.</summary>
public sealed record Run(RunInfo Info, RunData Data, RunInputs Inputs);
