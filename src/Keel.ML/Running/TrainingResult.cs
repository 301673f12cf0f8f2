using Keel.Core.Data;
using Keel.Core.Models;
using Keel.ML.Data;
using Keel.ML.Evaluation;
using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Running;

/// <summary>The data a run trained on.</summary>
/// <param name="Path">The data file (full path).</param>
/// <param name="Digest">SHA-256 of the file's bytes, <c>sha256:&lt;hex&gt;</c>.</param>
/// <param name="RowCount">Rows in the file (not counting a separate test file's).</param>
/// <param name="RowsWithoutTarget">Rows dropped because the target (or label source) was missing, in both files.</param>
/// <param name="Schema">Every column's signature type (the package's <c>data_schema</c>).</param>
/// <param name="Kinds">Every column's featurisation kind (inferred or overridden).</param>
public sealed record DatasetInfo(
    string Path,
    string Digest,
    int RowCount,
    int RowsWithoutTarget,
    IReadOnlyDictionary<string, ColumnType> Schema,
    IReadOnlyDictionary<string, ColumnKind> Kinds)
{
    /// <summary>The separate test file (<c>data.test_path</c>), or null when the test rows were split from <see cref="Path"/>.</summary>
    public TestFileInfo? TestFile { get; init; }
}

/// <summary>A separate test file (<c>data.test_path</c>): every row of it is a test row.</summary>
/// <param name="Path">The file (full path).</param>
/// <param name="Digest">SHA-256 of the file's bytes, <c>sha256:&lt;hex&gt;</c>.</param>
/// <param name="RowCount">Rows in the file.</param>
public sealed record TestFileInfo(string Path, string Digest, int RowCount);

/// <summary>The sizes of the three splits and how they were made.</summary>
/// <param name="Train">Training rows.</param>
/// <param name="Validation">Validation rows.</param>
/// <param name="Test">Test rows.</param>
/// <param name="Method"><c>random</c>, <c>stratified</c> or <c>time:&lt;column&gt;</c>.</param>
public sealed record SplitSizes(int Train, int Validation, int Test, string Method);

/// <summary>
/// Everything a training run produced, for <c>keel train</c> to log to tracking and register.
/// Metric keys are MLflow's names; split keys are <c>train</c>, <c>validation</c>, <c>test</c>
/// (log them as e.g. <c>test_roc_auc</c>). See <c>docs/pipelines.md</c>, "The run result".
/// </summary>
public sealed record TrainingResult
{
    /// <summary>The pipeline that ran.</summary>
    public required PipelineDefinition Pipeline { get; init; }

    /// <summary>The run id given to the runner (also the package's model id).</summary>
    public required string RunId { get; init; }

    /// <summary>The seed (split, ML.NET, sweep, importance).</summary>
    public required int Seed { get; init; }

    /// <summary>The data file, digest and schema.</summary>
    public required DatasetInfo Data { get; init; }

    /// <summary>Split sizes.</summary>
    public required SplitSizes Splits { get; init; }

    /// <summary>The trainer name (after a sweep: the same trainer).</summary>
    public required string Trainer { get; init; }

    /// <summary>The final model's hyper-parameters (after a sweep: the best trial's).</summary>
    public required IReadOnlyDictionary<string, double> Hyperparameters { get; init; }

    /// <summary>The model's input columns and kinds, in signature order.</summary>
    public required IReadOnlyList<FeatureColumn> Features { get; init; }

    /// <summary>Class names (binary: [negative, positive]); empty for regression.</summary>
    public required IReadOnlyList<string> Classes { get; init; }

    /// <summary>Metrics per split: <c>train</c>, <c>validation</c> (absent when the split is empty), <c>test</c>.</summary>
    public required IReadOnlyDictionary<string, IReadOnlyDictionary<string, double>> Metrics { get; init; }

    /// <summary>The confusion matrix on the test split (classification), else null.</summary>
    public ConfusionMatrix? ConfusionMatrix { get; init; }

    /// <summary>Permutation importance per input column on the validation split (test when empty), most important first.</summary>
    public required IReadOnlyList<FeatureImportance> FeatureImportance { get; init; }

    /// <summary>The ROC curve (binary) or residual plot (regression) on the test split as PNG, else null.</summary>
    public byte[]? Plot { get; init; }

    /// <summary>The plot's file name in <see cref="OutputDirectory"/>: <c>roc_curve.png</c> or <c>residuals.png</c>.</summary>
    public string? PlotFileName { get; init; }

    /// <summary>The test split's predictions (for determinism checks and further plots).</summary>
    public required Predictions TestPredictions { get; init; }

    /// <summary>
    /// The test split's rows, every column (the target included): what a champion is re-scored on
    /// so that candidate and champion are compared on the same data.
    /// </summary>
    public TabularData? TestData { get; init; }

    /// <summary>
    /// K-fold cross-validation on the training split (<c>split.kind: kfold</c>), with the final
    /// model's trainer and hyper-parameters; null otherwise. Log <see cref="CrossValidationResult.ToMetrics"/>.
    /// </summary>
    public CrossValidationResult? CrossValidation { get; init; }

    /// <summary>The sweep's trials (each a child run), empty without a sweep.</summary>
    public IReadOnlyList<SweepTrial> SweepTrials { get; init; } = [];

    /// <summary>The index of the best trial, or null without a sweep.</summary>
    public int? BestTrial { get; init; }


    /// <summary>The run's output directory (holds <c>model/</c>, the plot and <c>metrics.json</c>).</summary>
    public required string OutputDirectory { get; init; }

    /// <summary>The model package directory (<c>OutputDirectory/model</c>).</summary>
    public required string PackageDirectory { get; init; }

    /// <summary>The package's <c>model.onnx</c> when the pipeline asked for it (<c>onnx: true</c>), else null.</summary>
    public string? OnnxPath { get; init; }

    /// <summary>The package's <c>keel-model.json</c> contents.</summary>
    public required ModelMetadata Metadata { get; init; }

    /// <summary>Wall time per phase: hash, load, split, train, cross_validation (kfold only), evaluate, importance, package.</summary>
    public required IReadOnlyDictionary<string, TimeSpan> Timings { get; init; }
}
