using Keel.Core.Models;
using Keel.Data;

namespace Keel.ML.Packaging;

/// <summary>What a model package records besides the model itself (see <see cref="ModelMetadata"/>).</summary>
public sealed class PackageInfo
{
    /// <summary>The model build id (e.g. the run id). Required.</summary>
    public required string Id { get; init; }

    /// <summary>The model name (the registered model name, or the pipeline name). Required.</summary>
    public required string Name { get; init; }

    /// <summary>The version text.</summary>
    /// <value><c>1</c>; the registry assigns the real version on registration.</value>
    public string Version { get; init; } = "1";

    /// <summary>Who trained it.</summary>
    /// <value><c>keel-train</c>.</value>
    public string CreatedBy { get; init; } = "keel-train";

    /// <summary>When it was trained. Required (from the injected <see cref="TimeProvider"/>).</summary>
    public required DateTimeOffset CreatedAt { get; init; }

    /// <summary>The training data's digest, <c>sha256:...</c>.</summary>
    public string? TrainingDataHash { get; init; }

    /// <summary>The data file's schema (every column, not only inputs).</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, ColumnType> DataSchema { get; init; } = new Dictionary<string, ColumnType>();

    /// <summary>Metrics on the training split.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, double> TrainingMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Metrics on the validation split (the test split when there is none).</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, double> ValidationMetrics { get; init; } = new Dictionary<string, double>();

    /// <summary>Metric gates from the pipeline (the bound on the right side per metric).</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, double> PerformanceThresholds { get; init; } = new Dictionary<string, double>();

    /// <summary>Extra scalar hyper-parameters (seed, split ...) merged with the trainer's.</summary>
    /// <value>Empty.</value>
    public IReadOnlyDictionary<string, ScalarValue> ExtraHyperparameters { get; init; } = new Dictionary<string, ScalarValue>();

    /// <summary>Whether to also write <c>model.onnx</c>.</summary>
    /// <value>False.</value>
    public bool ExportOnnx { get; init; }

    /// <summary>The missing-value rule the training data was read with, recorded in <c>keel-ml.json</c> so <c>keel validate</c> reads new data the same way.</summary>
    /// <value>Null: the default rule (an empty cell only), not recorded.</value>
    public MissingValues? Missing { get; init; }

    /// <summary>The training split the reference sample is drawn from (<see cref="ReferenceSample"/>), or null for none.</summary>
    /// <value>Null.</value>
    public Keel.ML.Training.TrainingData? ReferenceData { get; init; }

    /// <summary>
    /// The held-out rows (validation and test splits) the labelled calibration reference is drawn
    /// from, as many as <see cref="ReferenceRows"/> (<see cref="ReferenceSample.WriteLabelledAsync"/>;
    /// classifiers only, and only with a reference sample), or null for none.
    /// </summary>
    /// <value>Null.</value>
    public Keel.ML.Training.TrainingData? HeldOutData { get; init; }

    /// <summary>The reference sample's size (0 for none).</summary>
    /// <value>10,000.</value>
    public int ReferenceRows { get; init; } = ReferenceSampleFiles.DefaultRows;

    /// <summary>The seed of the reference draw.</summary>
    /// <value>42.</value>
    public int ReferenceSeed { get; init; } = 42;
}
