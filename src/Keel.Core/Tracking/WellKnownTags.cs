namespace Keel.Core.Tracking;

/// <summary>Tag keys MLflow gives a meaning to (mlflow/utils/mlflow_tags.py), in one place.</summary>
public static class MlflowTags
{
    /// <summary>The run's name.</summary>
    public const string RunName = "mlflow.runName";

    /// <summary>Who started the run.</summary>
    public const string User = "mlflow.user";

    /// <summary>What the run's code came from (a file or a notebook).</summary>
    public const string SourceName = "mlflow.source.name";

    /// <summary>The kind of source: <c>LOCAL</c>, <c>NOTEBOOK</c>, <c>JOB</c>, <c>PROJECT</c>.</summary>
    public const string SourceType = "mlflow.source.type";

    /// <summary>The parent run of a child run (sweep trials).</summary>
    public const string ParentRunId = "mlflow.parentRunId";

    /// <summary>The JSON list of models logged in the run (their MLmodel descriptions).</summary>
    public const string LoggedModels = "mlflow.log-model.history";

    /// <summary>The input tag saying what a dataset was used for (<c>training</c>, <c>evaluation</c>).</summary>
    public const string DatasetContext = "mlflow.data.context";
}

/// <summary>Tag keys Keel writes on runs and model versions, in one place.</summary>
public static class KeelTags
{
    /// <summary>The pipeline a run or version came from.</summary>
    public const string Pipeline = "keel.pipeline";

    /// <summary>The training data's content digest (<c>sha256:...</c>).</summary>
    public const string DataDigest = "keel.data.digest";

    /// <summary>The Keel version that trained.</summary>
    public const string KeelVersion = "keel.version";

    /// <summary>The ML.NET version that trained.</summary>
    public const string MlnetVersion = "keel.mlnet_version";

    /// <summary>The .NET runtime that trained.</summary>
    public const string DotnetVersion = "keel.dotnet_version";

    /// <summary>
    /// The validation gates' verdict on a run or version: <c>passed</c>, <c>failed: N of M checks</c>
    /// or <c>none: no checks</c>. The promotion guard reads it.
    /// </summary>
    public const string ValidationStatus = "keel.validation.status";

    /// <summary>Where the gate report is (a <c>runs:/</c> URI).</summary>
    public const string ValidationReport = "keel.validation.report";

    /// <summary>The digest of the data the last <c>keel validate</c> checked.</summary>
    public const string ValidationDataDigest = "keel.validation.data.digest";

    /// <summary>A sweep trial's index, on its child run.</summary>
    public const string SweepTrial = "keel.sweep.trial";

    /// <summary>Whether a sweep trial won (<c>true</c>/<c>false</c>), on its child run.</summary>
    public const string SweepBest = "keel.sweep.best";
}
