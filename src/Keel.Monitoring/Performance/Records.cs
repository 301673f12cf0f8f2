namespace Keel.Monitoring.Performance;

/// <summary>What kind of model is monitored.</summary>
public enum ModelTask
{
    /// <summary>Class labels (optionally with a score for the positive class).</summary>
    Classification,

    /// <summary>Numeric predictions.</summary>
    Regression,
}

/// <summary>One logged prediction with its label when known.</summary>
/// <param name="Timestamp">When the prediction was made.</param>
/// <param name="Prediction">Predicted value (regression) or class index/code (classification).</param>
/// <param name="Label">Ground truth, null until known.</param>
/// <param name="Score">Classification only: predicted probability of the positive class (for ROC AUC and log loss).</param>
public readonly record struct PredictionRecord(DateTimeOffset Timestamp, double Prediction, double? Label = null, double? Score = null);

/// <summary>Summary statistics of predictions (population std, as numpy).</summary>
/// <param name="Count">Number of predictions.</param>
/// <param name="Mean">Mean.</param>
/// <param name="Std">Population standard deviation.</param>
/// <param name="Min">Minimum.</param>
/// <param name="Max">Maximum.</param>
/// <param name="Quantiles">Quantiles at <see cref="PredictionStatistics.QuantileLevels"/> (linear interpolation, numpy's default).</param>
public sealed record PredictionStatistics(long Count, double Mean, double Std, double Min, double Max, IReadOnlyDictionary<string, double> Quantiles)
{
    /// <summary>The quantile levels reported.</summary>
    public static readonly double[] QuantileLevels = [0.05, 0.25, 0.5, 0.75, 0.95];

    /// <summary>Computes the statistics; all NaN when there is no value.</summary>
    public static PredictionStatistics Of(ReadOnlySpan<double> values)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var q = new Dictionary<string, double>(StringComparer.Ordinal);
        if (sorted.Length == 0)
        {
            foreach (var level in QuantileLevels)
            {
                q[Name(level)] = double.NaN;
            }

            return new PredictionStatistics(0, double.NaN, double.NaN, double.NaN, double.NaN, q);
        }

        foreach (var level in QuantileLevels)
        {
            q[Name(level)] = Quantile(sorted, level);
        }

        var (mean, std) = Keel.Monitoring.Statistics.Samples.MeanAndPopulationStd(sorted);
        return new PredictionStatistics(sorted.Length, mean, std, sorted[0], sorted[^1], q);
    }

    /// <summary>numpy's default (linear) quantile of sorted values.</summary>
    public static double Quantile(ReadOnlySpan<double> sorted, double level)
    {
        double pos = level * (sorted.Length - 1);
        int lo = (int)Math.Floor(pos);
        int hi = Math.Min(lo + 1, sorted.Length - 1);
        return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
    }

    private static string Name(double level) => "p" + Math.Round(level * 100).ToString(System.Globalization.CultureInfo.InvariantCulture);
}
