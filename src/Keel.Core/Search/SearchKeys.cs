namespace Keel.Core.Search;

/// <summary>Canonical attribute and dataset keys the parser produces.</summary>
public static class SearchKeys
{
    public const string RunId = "run_id";
    public const string RunName = "run_name";
    public const string UserId = "user_id";
    public const string Status = "status";
    public const string StartTime = "start_time";
    public const string EndTime = "end_time";
    public const string ArtifactUri = "artifact_uri";

    public const string DatasetName = "name";
    public const string DatasetDigest = "digest";
    public const string DatasetContext = "context";

    public const string ExperimentName = "name";
    public const string ExperimentId = "experiment_id";
    public const string CreationTime = "creation_time";
    public const string LastUpdateTime = "last_update_time";

    /// <summary>The input tag that holds a dataset's context (MLflow <c>MLFLOW_DATASET_CONTEXT</c>).</summary>
    public const string DatasetContextTag = Tracking.MlflowTags.DatasetContext;
}
