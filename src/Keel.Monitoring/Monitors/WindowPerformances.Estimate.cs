using Keel.Core.Models;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Performance.Estimation;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Monitors;

// The label-free estimate: every row of the window, labelled or not, with its logged probabilities.
public static partial class WindowPerformances
{
    /// <summary>
    /// Asks <paramref name="estimator"/> for the metric over the window's predictions, calibrated on
    /// the version's labelled reference (<see cref="ModelReference.Labelled"/>) when it has one. The
    /// rows' probability vectors: binary, from the logged positive-class probability; multiclass,
    /// from the logged vector (<c>probability:CLASS</c> columns; a log without them gives no estimate).
    /// </summary>
    private static (double? Value, long Rows) Estimate(
        MonitorSeries series, PredictionWindow? window, IPerformanceEstimator? estimator, string metric, List<string> classes, string? positive, List<string> problems)
    {
        var labelled = series.Version?.Reference?.Labelled;
        if (estimator is null || window?.Predictions is not [{ Texts: { } labels }, ..])
        {
            return (null, 0);
        }

        IReadOnlyList<string> order;
        List<double[]> vectors;
        List<string> predicted;
        if (labelled is { Classes.Count: > 2 })
        {
            order = labelled.Classes;
            (vectors, predicted) = MulticlassRows(window, labels, order);
        }
        else
        {
            // Binary: [negative, positive], the positive class named by the reference or, without one, by the window's votes.
            order = labelled is { Classes.Count: 2 } ? labelled.Classes
                : positive is not null && classes.Count == 2 ? [classes.First(c => c != positive), positive]
                : [];
            (vectors, predicted) = order.Count == 2 && window.Predictions is [_, { Numbers: { } probabilities }, ..] ? BinaryRows(labels, probabilities) : ([], []);
        }

        if (vectors.Count == 0)
        {
            return (null, 0);
        }

        try
        {
            var input = new PerformanceEstimateInput(metric, order, vectors, predicted)
            {
                ReferenceProbabilities = labelled?.Probabilities ?? [],
                ReferenceLabels = labelled?.Labels ?? [],
            };
            if (estimator is CbpeEstimator cbpe && labelled is not null)
            {
                // With a labelled reference an estimate is expected: say why there is none.
                var outcome = cbpe.Evaluate(input);
                if (outcome.Refusal is { } refusal)
                {
                    problems.Add($"version {series.Key.Version}: no label-free estimate of {metric}: {refusal}.");
                }

                return outcome.Estimate is { } made ? (made.Value, made.Rows) : (null, 0);
            }

            var estimate = estimator.Estimate(input);
            return estimate is null ? (null, 0) : (estimate.Value, estimate.Rows);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problems.Add($"version {series.Key.Version}: the performance estimator failed ({e.Message}); no estimate in this window.");
            return (null, 0);
        }
    }

    /// <summary>Rows with a predicted class and a finite positive-class probability, as [1 − p, p].</summary>
    private static (List<double[]> Vectors, List<string> Predicted) BinaryRows(string?[] labels, double[] probabilities)
    {
        var vectors = new List<double[]>(labels.Length);
        var predicted = new List<string>(labels.Length);
        for (var i = 0; i < labels.Length && i < probabilities.Length; i++)
        {
            if (labels[i] is { } label && double.IsFinite(probabilities[i]))
            {
                vectors.Add([1 - probabilities[i], probabilities[i]]);
                predicted.Add(label);
            }
        }

        return (vectors, predicted);
    }

    /// <summary>Rows with a predicted class and every class's logged probability, in <paramref name="order"/>.</summary>
    private static (List<double[]> Vectors, List<string> Predicted) MulticlassRows(PredictionWindow window, string?[] labels, IReadOnlyList<string> order)
    {
        var columns = new double[order.Count][];
        for (var c = 0; c < columns.Length; c++)
        {
            if (window.Predictions.FirstOrDefault(p => p.Name == ReferenceSampleFiles.ClassProbabilityPrefix + order[c])?.Numbers is not { } numbers)
            {
                return ([], []); // Logged without the vector (a server before it was logged): no estimate.
            }

            columns[c] = numbers;
        }

        var vectors = new List<double[]>(labels.Length);
        var predicted = new List<string>(labels.Length);
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i] is not { } label)
            {
                continue;
            }

            var vector = new double[columns.Length];
            var usable = true;
            for (var c = 0; c < columns.Length && usable; c++)
            {
                vector[c] = i < columns[c].Length ? columns[c][i] : double.NaN;
                usable = double.IsFinite(vector[c]);
            }

            if (usable)
            {
                vectors.Add(vector);
                predicted.Add(label);
            }
        }

        return (vectors, predicted);
    }
}
