using Keel.ML.Pipeline;

namespace Keel.ML.Evaluation;

/// <summary>
/// Metrics with scikit-learn's definitions (and MLflow's names): binary precision, recall and F1
/// for the positive class; multiclass precision, recall and F1 weighted by support
/// (<c>average='weighted'</c>), their unweighted means (<c>average='macro'</c>, <c>macro_*</c>) and
/// each class's own (<c>average=None</c>, <c>*_class_&lt;class&gt;</c>), both over the classes that
/// occur in the truth or the predictions, as scikit-learn does when it is not given <c>labels</c>; <c>zero_division=0</c>; log loss with probabilities clipped to
/// [1e-15, 1 - 1e-15] and rows renormalised; ROC AUC by the Mann-Whitney statistic with tied
/// scores counted half; MAPE as a fraction with |y| floored at machine epsilon; R² = 1 - SSres/SStot.
/// </summary>
public static class MetricsCalculator
{
    private const double ClipEpsilon = 1e-15;

    // numpy.finfo(float64).eps, the floor scikit-learn puts under |y| in MAPE.
    private const double MachineEpsilon = 2.220446049250313e-16;

    /// <summary>The metrics of <see cref="MetricNames.For(MLTask)"/> for these predictions.</summary>
    public static IReadOnlyDictionary<string, double> Compute(Predictions predictions, int classCount)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        return Compute(predictions, classCount, null);
    }

    /// <summary>The metrics of <see cref="MetricNames.For(MLTask, IReadOnlyList{string})"/>: with class names, multiclass also gets per-class scores.</summary>
    public static IReadOnlyDictionary<string, double> Compute(Predictions predictions, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(classes);
        return Compute(predictions, classes.Count, classes);
    }

    private static IReadOnlyDictionary<string, double> Compute(Predictions predictions, int classCount, IReadOnlyList<string>? classes)
    {
        return predictions.Task switch
        {
            MLTask.Binary => Binary(predictions.TruthClass, predictions.PredictedClass, predictions.PositiveProbability()),
            MLTask.Multiclass => Multiclass(predictions.TruthClass, predictions.PredictedClass, predictions.Probabilities, classCount, classes),
            _ => Regression(predictions.TruthValue, predictions.PredictedValue),
        };
    }

    /// <summary>Binary metrics; classes are 0 (negative) and 1 (positive).</summary>
    public static IReadOnlyDictionary<string, double> Binary(int[] truth, int[] predicted, double[] positiveProbability)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(positiveProbability);
        long tp = 0, fp = 0, fn = 0, tn = 0;
        var logLoss = 0.0;
        for (var i = 0; i < truth.Length; i++)
        {
            var positive = truth[i] == 1;
            var said = predicted[i] == 1;
            if (positive && said) { tp++; }
            else if (!positive && said) { fp++; }
            else if (positive) { fn++; }
            else { tn++; }

            var p = Math.Clamp(positiveProbability[i], ClipEpsilon, 1 - ClipEpsilon);
            logLoss -= positive ? Math.Log(p) : Math.Log(1 - p);
        }

        var n = truth.Length;
        var precision = Ratio(tp, tp + fp);
        var recall = Ratio(tp, tp + fn);
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.Accuracy] = Ratio(tp + tn, n),
            [MetricNames.Precision] = precision,
            [MetricNames.Recall] = recall,
            [MetricNames.F1] = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall),
            [MetricNames.RocAuc] = RocAuc(truth, positiveProbability),
            [MetricNames.LogLoss] = n == 0 ? double.NaN : logLoss / n,
        };
    }

    /// <summary>Multiclass metrics; classes are 0 .. <paramref name="classCount"/> - 1; with <paramref name="classes"/>, also each class's precision, recall and F1.</summary>
    public static IReadOnlyDictionary<string, double> Multiclass(int[] truth, int[] predicted, double[][] probabilities, int classCount, IReadOnlyList<string>? classes = null)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        ArgumentNullException.ThrowIfNull(probabilities);
        var matrix = ConfusionMatrix.Count(truth, predicted, classCount);
        var n = truth.Length;
        double precision = 0, recall = 0, f1 = 0, macroPrecision = 0, macroRecall = 0, macroF1 = 0;
        var perClass = new Dictionary<string, double>(StringComparer.Ordinal);
        long correct = 0;
        var present = 0;
        for (var c = 0; c < classCount; c++)
        {
            long support = 0, predictedCount = 0;
            for (var k = 0; k < classCount; k++)
            {
                support += matrix[c][k];
                predictedCount += matrix[k][c];
            }

            correct += matrix[c][c];
            if (support + predictedCount == 0)
            {
                continue;
            }

            present++;
            var p = Ratio(matrix[c][c], predictedCount);
            var r = Ratio(matrix[c][c], support);
            var f = p + r == 0 ? 0 : 2 * p * r / (p + r);
            var weight = n == 0 ? 0 : (double)support / n;
            precision += weight * p;
            recall += weight * r;
            f1 += weight * f;
            macroPrecision += p;
            macroRecall += r;
            macroF1 += f;
            if (classes is not null)
            {
                perClass[MetricNames.PerClass("precision_class_", classes[c])] = p;
                perClass[MetricNames.PerClass("recall_class_", classes[c])] = r;
                perClass[MetricNames.PerClass("f1_class_", classes[c])] = f;
            }
        }

        var logLoss = 0.0;
        for (var i = 0; i < n; i++)
        {
            var row = probabilities[i];
            var sum = 0.0;
            for (var k = 0; k < row.Length; k++)
            {
                sum += Math.Clamp(row[k], ClipEpsilon, 1 - ClipEpsilon);
            }

            logLoss -= Math.Log(Math.Clamp(row[truth[i]], ClipEpsilon, 1 - ClipEpsilon) / sum);
        }

        var averaged = Math.Max(present, 1);
        var result = new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.Accuracy] = Ratio(correct, n),
            [MetricNames.Precision] = precision,
            [MetricNames.Recall] = recall,
            [MetricNames.F1] = f1,
            [MetricNames.MacroPrecision] = macroPrecision / averaged,
            [MetricNames.MacroRecall] = macroRecall / averaged,
            [MetricNames.MacroF1] = macroF1 / averaged,
            [MetricNames.LogLoss] = n == 0 ? double.NaN : logLoss / n,
        };
        foreach (var (name, value) in perClass)
        {
            result[name] = value;
        }

        return result;
    }

    /// <summary>Regression metrics.</summary>
    public static IReadOnlyDictionary<string, double> Regression(double[] truth, double[] predicted)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(predicted);
        var n = truth.Length;
        double absolute = 0, squared = 0, percentage = 0, mean = 0;
        for (var i = 0; i < n; i++)
        {
            mean += truth[i];
        }

        mean /= Math.Max(n, 1);
        var total = 0.0;
        for (var i = 0; i < n; i++)
        {
            var error = truth[i] - predicted[i];
            absolute += Math.Abs(error);
            squared += error * error;
            percentage += Math.Abs(error) / Math.Max(Math.Abs(truth[i]), MachineEpsilon);
            total += (truth[i] - mean) * (truth[i] - mean);
        }

        var mse = n == 0 ? double.NaN : squared / n;
        return new Dictionary<string, double>(StringComparer.Ordinal)
        {
            [MetricNames.MeanAbsoluteError] = n == 0 ? double.NaN : absolute / n,
            [MetricNames.MeanSquaredError] = mse,
            [MetricNames.RootMeanSquaredError] = Math.Sqrt(mse),
            [MetricNames.R2] = total == 0 ? (squared == 0 ? 1 : 0) : 1 - (squared / total),
            [MetricNames.MeanAbsolutePercentageError] = n == 0 ? double.NaN : percentage / n,
        };
    }

    /// <summary>Area under the ROC curve: the probability a random positive outranks a random negative (ties count half).</summary>
    public static double RocAuc(int[] truth, double[] score)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(score);
        var order = Enumerable.Range(0, truth.Length).ToArray();
        Array.Sort(score.ToArray(), order);
        double rankSumPositive = 0;
        long positives = 0;
        var i = 0;
        while (i < order.Length)
        {
            var j = i;
            while (j + 1 < order.Length && score[order[j + 1]] == score[order[i]])
            {
                j++;
            }

            var averageRank = ((i + j) / 2.0) + 1;
            for (var k = i; k <= j; k++)
            {
                if (truth[order[k]] == 1)
                {
                    rankSumPositive += averageRank;
                    positives++;
                }
            }

            i = j + 1;
        }

        var negatives = truth.Length - positives;
        if (positives == 0 || negatives == 0)
        {
            return double.NaN;
        }

        return (rankSumPositive - (positives * (positives + 1) / 2.0)) / ((double)positives * negatives);
    }

    private static double Ratio(long numerator, long denominator) => denominator == 0 ? 0 : (double)numerator / denominator;
}
