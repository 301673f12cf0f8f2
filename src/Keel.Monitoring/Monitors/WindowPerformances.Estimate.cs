using Keel.Core.Models;
using Keel.Monitoring.Performance;
using Keel.Monitoring.Performance.Estimation;
using Keel.Monitoring.Reference;

namespace Keel.Monitoring.Monitors;

// The label-free estimate: every row of the window, labelled or not, with its logged probabilities.
public static partial class WindowPerformances
{
    /// <summary>
    /// The most rows the label-free estimate is made over. A larger window's estimate is made over a
    /// seeded uniform sample of about this many of its rows (each row kept with probability
    /// cap / rows, by <see cref="KeyStream"/> from a fixed seed: the same window gives the same
    /// sample), and its standard error is that of the sample — wider than the whole window's would
    /// be. At a million rows the sample moves a metric such as ROC AUC by about a thousandth, where
    /// the whole window's probability vectors, their calibration and the AUC's sort cost ≈ 0.3 µs per
    /// logged row (a tenth of a monitoring pass's CPU on a 12-million-request window).
    /// </summary>
    public const int MaxEstimateRows = 1_000_000;

    /// <summary>Which rows go into the estimate: every row up to <see cref="MaxEstimateRows"/>, else each with probability cap / rows (call <see cref="Keep"/> once per row, in order).</summary>
    private readonly struct EstimateRows(int rows, int cap)
    {
        private readonly ulong _threshold = rows <= cap ? ulong.MaxValue : (ulong)(cap / (double)rows * ulong.MaxValue);
        private readonly bool _all = rows <= cap;

        public int Capacity => _all ? rows : (int)Math.Min(rows, (cap * 1.01) + 100);

        public bool Keep(ref KeyStream keys) => _all || keys.Next() <= _threshold;
    }

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

    /// <summary>Rows with a predicted class and a finite positive-class probability, as [1 − p, p] (a sample above <see cref="MaxEstimateRows"/>).</summary>
    internal static (List<double[]> Vectors, List<string> Predicted) BinaryRows(string?[] labels, double[] probabilities, int cap = MaxEstimateRows)
    {
        var rows = new EstimateRows(labels.Length, cap);
        var keys = new KeyStream(EstimateSeed);
        var vectors = new List<double[]>(rows.Capacity);
        var predicted = new List<string>(rows.Capacity);
        for (var i = 0; i < labels.Length && i < probabilities.Length; i++)
        {
            if (rows.Keep(ref keys) && labels[i] is { } label && double.IsFinite(probabilities[i]))
            {
                vectors.Add([1 - probabilities[i], probabilities[i]]);
                predicted.Add(label);
            }
        }

        return (vectors, predicted);
    }

    /// <summary>The seed of the estimate's sample above <see cref="MaxEstimateRows"/>.</summary>
    private static readonly ulong EstimateSeed = RowSample.Seed("keel-cbpe-estimate-rows");

    /// <summary>Rows with a predicted class and every class's logged probability, in <paramref name="order"/> (a sample above <see cref="MaxEstimateRows"/>).</summary>
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

        var rows = new EstimateRows(labels.Length, MaxEstimateRows);
        var keys = new KeyStream(EstimateSeed);
        var vectors = new List<double[]>(rows.Capacity);
        var predicted = new List<string>(rows.Capacity);
        for (var i = 0; i < labels.Length; i++)
        {
            if (!rows.Keep(ref keys) || labels[i] is not { } label)
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
