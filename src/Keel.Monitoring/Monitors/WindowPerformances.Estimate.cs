using Keel.Monitoring.Performance;

namespace Keel.Monitoring.Monitors;

// The label-free estimate: every row of the window, labelled or not, with its logged probability.
public static partial class WindowPerformances
{
    /// <summary>
    /// Asks <paramref name="estimator"/> for the metric over the window's predictions. Only binary
    /// classifiers qualify: the log keeps the positive class's probability, which gives the whole
    /// probability vector; a multiclass log keeps the predicted class's only, which does not.
    /// </summary>
    private static (double? Value, long Rows) Estimate(
        MonitorSeries series, PredictionWindow? window, IPerformanceEstimator? estimator, string metric, List<string> classes, string? positive, List<string> problems)
    {
        if (estimator is null || positive is null || classes.Count != 2 || window?.Predictions is not [{ Texts: { } labels }, { Numbers: { } probabilities }, ..])
        {
            return (null, 0);
        }

        var positiveIndex = classes.IndexOf(positive);
        var vectors = new List<double[]>(labels.Length);
        var predicted = new List<string>(labels.Length);
        for (var i = 0; i < labels.Length && i < probabilities.Length; i++)
        {
            if (labels[i] is not { } label || !double.IsFinite(probabilities[i]))
            {
                continue;
            }

            var vector = new double[2];
            vector[positiveIndex] = probabilities[i];
            vector[1 - positiveIndex] = 1 - probabilities[i];
            vectors.Add(vector);
            predicted.Add(label);
        }

        if (vectors.Count == 0)
        {
            return (null, 0);
        }

        try
        {
            var estimate = estimator.Estimate(new PerformanceEstimateInput(metric, classes, vectors, predicted));
            return estimate is null ? (null, 0) : (estimate.Value, estimate.Rows);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            problems.Add($"version {series.Key.Version}: the performance estimator failed ({e.Message}); no estimate in this window.");
            return (null, 0);
        }
    }
}
