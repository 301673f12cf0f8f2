namespace Keel.Core.Models;

/// <summary>
/// Where a model version's reference sample (the data its live traffic is compared with) is kept:
/// training writes it into the model package; <c>keel monitor baseline</c> writes a replacement
/// beside the version in the artifact store and points the version's <see cref="BaselineTag"/> at it
/// (versions are immutable, so the package itself is never changed). Both are CSV files in the
/// version's signature columns, read with the signature's kinds.
/// </summary>
public static class ReferenceSampleFiles
{
    /// <summary>The sampled inputs in the package, one column per signature input.</summary>
    public const string Inputs = "reference/inputs.csv";

    /// <summary>The model's predictions on the sampled inputs in the package: <c>prediction</c>, and <c>probability</c> for classifiers.</summary>
    public const string Predictions = "reference/predictions.csv";

    /// <summary>
    /// The labelled calibration reference in the package (classifiers): rows of the held-out
    /// (validation and test) splits with their true class (<see cref="LabelColumn"/>), the model's
    /// prediction (<see cref="PredictionColumn"/>) and class probabilities (columns named
    /// <see cref="ClassProbabilityPrefix"/> + class: the positive class's only for binary models,
    /// every class's for multiclass ones). The label-free estimate (CBPE) calibrates on it.
    /// </summary>
    public const string Labelled = "reference/labelled.csv";

    /// <summary>The column of true classes in a labelled reference.</summary>
    public const string LabelColumn = "label";

    /// <summary>The prefix of a class probability column (<c>probability:CLASS</c>) in a labelled reference and a monitoring window.</summary>
    public const string ClassProbabilityPrefix = "probability:";

    /// <summary>The model version tag that names a baseline set by <c>keel monitor baseline</c> (an <c>mlflow-artifacts:/</c> URI of its inputs file).</summary>
    public const string BaselineTag = "keel.monitoring.baseline";

    /// <summary>The artifact store folder baselines are written under: <c>keel-baselines/&lt;model&gt;/&lt;version&gt;/&lt;id&gt;/</c>.</summary>
    public const string BaselineRoot = "keel-baselines";

    /// <summary>The column of predicted values (regression) or labels (classification).</summary>
    public const string PredictionColumn = "prediction";

    /// <summary>The column of the probability of the positive class (binary) or of the predicted class (multiclass).</summary>
    public const string ProbabilityColumn = "probability";

    /// <summary>The default number of rows training samples.</summary>
    public const int DefaultRows = 10_000;

    /// <summary>The largest reference sample training takes.</summary>
    public const int MaxRows = 1_000_000;
}
