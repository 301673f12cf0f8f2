namespace Keel.Core.Tracking;

/// <summary>MLflow's limits (mlflow/utils/validation.py), enforced identically.</summary>
public static class TrackingLimits
{
    public const int MaxEntityKeyLength = 250;
    public const int MaxParamValueLength = 6000;
    public const int MaxTagValueLength = 8000;
    public const int MaxExperimentTagValueLength = 5000;
    public const int MaxExperimentNameLength = 500;
    public const int MaxRunNameLength = 250;
    public const int MaxMetricsPerBatch = 1000;
    public const int MaxParamsTagsPerBatch = 100;
    public const int MaxEntitiesPerBatch = 1000;
    public const int SearchRunsDefaultMaxResults = 1000;
    public const int SearchExperimentsDefaultMaxResults = 1000;
    public const int SearchMaxResultsThreshold = 50000;
    public const int MetricHistoryMaxResults = 25000;
    public const int MaxDatasetNameLength = 500;
    public const int MaxDatasetDigestLength = 36;
    public const int MaxDatasetSchemaLength = 1048575;
    public const int MaxDatasetSourceLength = 65535;
    public const int MaxDatasetProfileLength = 16384;
    public const int MaxInputTagKeyLength = 255;
    public const int MaxInputTagValueLength = 500;
}
