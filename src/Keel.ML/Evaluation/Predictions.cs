using Keel.ML.Pipeline;

namespace Keel.ML.Evaluation;

/// <summary>
/// A model's outputs on one split next to the truth. Classification: class indices into the label
/// encoding's classes (binary: 0 = negative, 1 = positive) and one probability per class;
/// regression: values.
/// </summary>
public sealed class Predictions
{
    /// <summary>The task.</summary>
    public required MLTask Task { get; init; }

    /// <summary>True class per row (classification).</summary>
    public int[] TruthClass { get; init; } = [];

    /// <summary>Predicted class per row (classification).</summary>
    public int[] PredictedClass { get; init; } = [];

    /// <summary>Class probabilities per row (classification; binary: [1 - p, p]).</summary>
    public double[][] Probabilities { get; init; } = [];

    /// <summary>True value per row (regression).</summary>
    public double[] TruthValue { get; init; } = [];

    /// <summary>Predicted value per row (regression).</summary>
    public double[] PredictedValue { get; init; } = [];

    /// <summary>The number of rows.</summary>
    public int Count => Task == MLTask.Regression ? TruthValue.Length : TruthClass.Length;

    /// <summary>P(positive) per row (binary).</summary>
    public double[] PositiveProbability() => Probabilities.Select(p => p[1]).ToArray();
}
