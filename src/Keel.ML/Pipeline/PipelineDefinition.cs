using Keel.Core.Validation.Gates;
using Keel.Core.Data;
using Keel.Data;

namespace Keel.ML.Pipeline;

/// <summary>The learning task of a pipeline.</summary>
public enum MLTask
{
    /// <summary>Two classes; metrics: accuracy_score, precision_score, recall_score, f1_score, roc_auc, log_loss.</summary>
    Binary,

    /// <summary>Three or more classes; weighted precision/recall/f1 as scikit-learn's <c>average='weighted'</c>.</summary>
    Multiclass,

    /// <summary>A numeric target; metrics: mean_absolute_error, mean_squared_error, root_mean_squared_error, r2_score, mean_absolute_percentage_error.</summary>
    Regression,
}

/// <summary>A parsed, validated <c>pipeline.yaml</c>. See <c>docs/pipelines.md</c>.</summary>
public sealed record PipelineDefinition
{
    /// <summary>The pipeline's name (also the run name).</summary>
    public required string Name { get; init; }

    /// <summary>The tracking experiment to log into.</summary>
    public required string Experiment { get; init; }

    /// <summary>The data section.</summary>
    public required DataSection Data { get; init; }

    /// <summary>The split section.</summary>
    /// <value>train 0.8, validation 0.1, test 0.1, seed 42, stratified for classification.</value>
    public required SplitSection Split { get; init; }

    /// <summary>The trainer section.</summary>
    public required TrainerSection Trainer { get; init; }

    /// <summary>The optional hyper-parameter sweep.</summary>
    public SweepSection? Sweep { get; init; }

    /// <summary>Metric gates: metric name to Core's <see cref="MetricThreshold"/> (direction set), checked on the test split by the caller.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, MetricThreshold> Thresholds { get; init; } = new Dictionary<string, MetricThreshold>();

    /// <summary>Where to register the model, or null when it is not registered.</summary>
    public RegistrationSection? Registration { get; init; }

    /// <summary>Whether feature importance is computed (<c>importance: permutation</c> or <c>false</c>).</summary>
    /// <value><see cref="ImportanceMethod.Permutation"/>.</value>
    public ImportanceMethod Importance { get; init; } = ImportanceMethod.Permutation;

    /// <summary>Whether the package also gets <c>model.onnx</c> (ONNX export of featurisation and predictor).</summary>
    /// <value>False.</value>
    public bool Onnx { get; init; }

    /// <summary>
    /// How many training rows the package's reference sample keeps (<c>monitoring.reference_rows</c>,
    /// or <c>keel train --reference-rows</c>): a reservoir sample of the training split's inputs and the
    /// model's predictions on them, drawn with the split seed; 0 keeps none.
    /// </summary>
    /// <value>10,000 (<see cref="Keel.Core.Models.ReferenceSampleFiles.DefaultRows"/>).</value>
    public int ReferenceRows { get; init; } = Keel.Core.Models.ReferenceSampleFiles.DefaultRows;

    /// <summary>The file the pipeline was read from, or null.</summary>
    public string? SourcePath { get; init; }
}

/// <summary>The <c>data:</c> section.</summary>
public sealed record DataSection
{
    /// <summary>The CSV file, resolved against the pipeline file's directory.</summary>
    public required string Path { get; init; }

    /// <summary>A separate test file (<c>test_path</c>), resolved like <see cref="Path"/>; the split then only divides <see cref="Path"/> into train and validation.</summary>
    /// <value>Null: the test split is cut from <see cref="Path"/>.</value>
    public string? TestPath { get; init; }

    /// <summary>The regression target's transform (<c>target_transform</c>).</summary>
    /// <value><see cref="TargetTransform.None"/>.</value>
    public TargetTransform TargetTransform { get; init; }

    /// <summary>The datetime parts used per column (<c>date_parts</c>); columns not named use every part.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, IReadOnlyList<string>> DateParts { get; init; } = new Dictionary<string, IReadOnlyList<string>>();

    /// <summary>Numeric columns computed from numeric input columns (<c>derived</c>), in file order.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<DerivedColumn> Derived { get; init; } = [];

    /// <summary>The target column (or the name of the derived label column when <see cref="Label"/> is set).</summary>
    public required string Target { get; init; }

    /// <summary>The task.</summary>
    public required MLTask Task { get; init; }

    /// <summary>For binary targets: the value that counts as the positive class, or null for the default rule.</summary>
    public string? PositiveClass { get; init; }

    /// <summary>A derived binary label, e.g. <c>{column: delay, greater_than: 15}</c>, or null.</summary>
    public LabelRule? Label { get; init; }

    /// <summary>Feature columns to use (all others dropped); empty = every column but the target.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>Columns never used as features.</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<string> Drop { get; init; } = [];

    /// <summary>Column kind overrides (numeric, categorical, text, datetime).</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, ColumnKind> Types { get; init; } = new Dictionary<string, ColumnKind>();

    /// <summary>Which cells are missing (<c>na_values</c>, <c>keep_default_na</c>); see docs/data-formats.md.</summary>
    /// <value>An empty cell only.</value>
    public MissingValues Missing { get; init; } = MissingValues.Default;
}

/// <summary>A binary label derived from a numeric column: true when the value is greater than <see cref="GreaterThan"/>.</summary>
/// <param name="Column">The numeric source column; it is never a feature.</param>
/// <param name="GreaterThan">The exclusive lower bound of the positive class.</param>
public sealed record LabelRule(string Column, double GreaterThan);

/// <summary>The <c>split:</c> section.</summary>
public sealed record SplitSection
{
    /// <summary>The training fraction.</summary>
    /// <value>0.8.</value>
    public double Train { get; init; } = 0.8;

    /// <summary>The validation fraction (0 allowed without a sweep).</summary>
    /// <value>0.1.</value>
    public double Validation { get; init; } = 0.1;

    /// <summary>The test fraction.</summary>
    /// <value>0.1.</value>
    public double Test { get; init; } = 0.1;

    /// <summary>The seed for shuffling and for ML.NET.</summary>
    /// <value>42.</value>
    public int Seed { get; init; } = 42;

    /// <summary>Keep class proportions in every split (classification only).</summary>
    /// <value>True for classification, false for regression.</value>
    public bool Stratified { get; init; }

    /// <summary>Split by this datetime column instead: oldest rows train, newest test.</summary>
    public string? TimeColumn { get; init; }

    /// <summary>
    /// Whether the training split is also cross-validated (<c>kind: kfold</c>): the final model is
    /// still fitted on the whole training split and tested on the test split.
    /// </summary>
    /// <value><see cref="SplitKind.Holdout"/>.</value>
    public SplitKind Kind { get; init; }

    /// <summary>The number of folds with <see cref="SplitKind.KFold"/> (2 to 20).</summary>
    /// <value>5.</value>
    public int Folds { get; init; } = 5;
}

/// <summary>How the training split is used.</summary>
public enum SplitKind
{
    /// <summary>Train once on the training split.</summary>
    Holdout,

    /// <summary>Also k-fold cross-validate on the training split, logging each metric's mean and standard deviation.</summary>
    KFold,
}

/// <summary>The <c>trainer:</c> section.</summary>
/// <param name="Name">An ML.NET trainer name, e.g. <c>FastTree</c>.</param>
/// <param name="Parameters">Hyper-parameters by their snake_case names.</param>
public sealed record TrainerSection(string Name, IReadOnlyDictionary<string, double> Parameters)
{
    /// <summary>Per-class example weights (classification), or null for equal weights.</summary>
    public ClassWeights? ClassWeights { get; init; }
}

/// <summary>How a sweep picks candidates.</summary>
public enum SweepMethod
{
    /// <summary>Every combination of the listed values.</summary>
    Grid,

    /// <summary><see cref="SweepSection.Trials"/> random draws.</summary>
    Random,
}

/// <summary>The <c>sweep:</c> section.</summary>
public sealed record SweepSection
{
    /// <summary>Grid or random.</summary>
    public required SweepMethod Method { get; init; }

    /// <summary>The metric that picks the best trial on the validation split.</summary>
    public required string Metric { get; init; }

    /// <summary>Number of random trials (ignored by grid).</summary>
    /// <value>10.</value>
    public int Trials { get; init; } = 10;

    /// <summary>The search space: parameter name to candidate values or a range.</summary>
    public required IReadOnlyDictionary<string, SweepSpace> Parameters { get; init; }
}

/// <summary>The candidates of one swept hyper-parameter: a list of values, or a [min, max] range (random only).</summary>
/// <param name="Values">The listed values, or empty for a range.</param>
/// <param name="Min">Range minimum.</param>
/// <param name="Max">Range maximum.</param>
/// <param name="Log">Draw on a log scale.</param>
public sealed record SweepSpace(IReadOnlyList<double> Values, double Min = 0, double Max = 0, bool Log = false);

/// <summary>The <c>registration:</c> section.</summary>
/// <param name="ModelName">The registered model name.</param>
/// <param name="Alias">An alias to request (e.g. <c>challenger</c>), or null.</param>
/// <param name="Stage">A stage to request (Staging, Production, ...), or null.</param>
public sealed record RegistrationSection(string ModelName, string? Alias, string? Stage)
{
    /// <summary>
    /// Who the candidate is compared with for <c>min_absolute_change</c>/<c>min_relative_change</c>:
    /// <c>@alias</c> (the version holding that alias) or a stage name (the newest version in it).
    /// </summary>
    /// <value>Default <see cref="DefaultChampion"/>.</value>
    public string Champion { get; init; } = DefaultChampion;

    /// <summary>The default champion: the version holding the <c>champion</c> alias.</summary>
    public const string DefaultChampion = "@champion";
}
