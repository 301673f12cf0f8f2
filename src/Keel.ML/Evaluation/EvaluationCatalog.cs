using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Evaluation;

/// <summary>The importance of one input column: how much the primary metric worsens when it is shuffled.</summary>
/// <param name="Feature">The input column.</param>
/// <param name="Importance">The metric's worsening (positive = the model relies on the column).</param>
public sealed record FeatureImportance(string Feature, double Importance);

/// <summary>Scores a model on a split and turns the scores into metrics and artefacts.</summary>
public sealed class EvaluationCatalog
{
    private readonly KeelMLContext _owner;

    internal EvaluationCatalog(KeelMLContext owner) => _owner = owner;

    /// <summary>The model's predictions on <paramref name="data"/>, next to the truth.</summary>
    public Predictions Predict(TrainedModel model, TrainingData data)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        return PredictionReader.Read(model.Transformer.Transform(data.ToView()), model.Task);
    }

    /// <summary>The task's metrics (<see cref="MetricNames.For(MLTask)"/>) on <paramref name="data"/>.</summary>
    public IReadOnlyDictionary<string, double> Evaluate(TrainedModel model, TrainingData data)
    {
        ArgumentNullException.ThrowIfNull(model);
        return MetricsCalculator.Compute(Predict(model, data), model.Label.Classes);
    }

    /// <summary>The confusion matrix of classification predictions, or null for regression.</summary>
    public static ConfusionMatrix? Confusion(Predictions predictions, LabelEncoding label)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(label);
        return predictions.Task == MLTask.Regression
            ? null
            : new ConfusionMatrix(label.Classes, ConfusionMatrix.Count(predictions.TruthClass, predictions.PredictedClass, label.Classes.Count));
    }

    /// <summary>
    /// Permutation feature importance over the model's input columns (not the one-hot slots):
    /// each column is shuffled once with a seeded generator and the primary metric recomputed.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="data">Usually the validation split.</param>
    /// <param name="metric">The metric, or null for <see cref="MetricNames.Primary"/>.</param>
    /// <returns>One entry per input column, most important first.</returns>
    public IReadOnlyList<FeatureImportance> PermutationImportance(TrainedModel model, TrainingData data, string? metric = null)
    {
        ArgumentNullException.ThrowIfNull(model);
        ArgumentNullException.ThrowIfNull(data);
        metric ??= MetricNames.Primary(model.Task);
        var sign = MetricNames.HigherIsBetter(metric) ? 1 : -1;
        var baseline = Evaluate(model, data)[metric];
        var result = new List<FeatureImportance>(model.Features.Count);
        for (var f = 0; f < model.Features.Count; f++)
        {
            var name = model.Features[f].Name;
            // The same permutation a shuffle of the values would make, applied to the column's
            // parsed values too (Take), so nothing is parsed again.
            var order = Enumerable.Range(0, data.Table.RowCount).ToArray();
            new Random(_owner.Seed + f).Shuffle(order);
            var shuffled = data.WithTable(data.Table.Replace(name, data.Table[name].Take(order)));
            var value = Evaluate(model, shuffled)[metric];
            result.Add(new FeatureImportance(name, sign * (baseline - value)));
        }

        result.Sort((a, b) => b.Importance.CompareTo(a.Importance));
        return result;
    }
}
