using Keel.ML.Pipeline;
using ScottPlot;

namespace Keel.ML.Evaluation;

/// <summary>PNG plots of a split's predictions: a ROC curve (binary) or residuals against predictions (regression).</summary>
public static class EvaluationPlots
{
    /// <summary>The plot width and height in pixels.</summary>
    /// <value>640 x 480.</value>
    public const int Width = 640, Height = 480;

    /// <summary>The plot for this task as PNG bytes, or null for multiclass (the confusion matrix stands in).</summary>
    public static byte[]? Render(Predictions predictions, string title)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        return predictions.Task switch
        {
            MLTask.Binary => Roc(predictions.TruthClass, predictions.PositiveProbability(), title),
            MLTask.Regression => Residuals(predictions.TruthValue, predictions.PredictedValue, title),
            _ => null,
        };
    }

    /// <summary>The ROC curve (false positive rate against true positive rate) with its AUC in the legend.</summary>
    public static byte[] Roc(int[] truth, double[] score, string title)
    {
        var (fpr, tpr) = RocCurve(truth, score);
        var plot = new Plot();
        var curve = plot.Add.Scatter(fpr, tpr);
        curve.LegendText = $"AUC = {MetricsCalculator.RocAuc(truth, score):F4}";
        curve.MarkerSize = 0;
        var chance = plot.Add.Line(0, 0, 1, 1);
        chance.LinePattern = LinePattern.Dashed;
        plot.Title(title);
        plot.XLabel("False positive rate");
        plot.YLabel("True positive rate");
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>Residuals (truth - prediction) against predictions, with the zero line.</summary>
    public static byte[] Residuals(double[] truth, double[] predicted, string title)
    {
        ArgumentNullException.ThrowIfNull(truth);
        var residuals = new double[truth.Length];
        for (var i = 0; i < truth.Length; i++)
        {
            residuals[i] = truth[i] - predicted[i];
        }

        var plot = new Plot();
        var points = plot.Add.ScatterPoints(predicted, residuals);
        points.MarkerSize = 3;
        plot.Add.HorizontalLine(0);
        plot.Title(title);
        plot.XLabel("Prediction");
        plot.YLabel("Residual (truth - prediction)");
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    /// <summary>ROC points at every distinct score, from (0, 0) to (1, 1).</summary>
    public static (double[] FalsePositiveRate, double[] TruePositiveRate) RocCurve(int[] truth, double[] score)
    {
        ArgumentNullException.ThrowIfNull(truth);
        ArgumentNullException.ThrowIfNull(score);
        var order = Enumerable.Range(0, truth.Length).OrderByDescending(i => score[i]).ToArray();
        var positives = truth.Count(t => t == 1);
        var negatives = truth.Length - positives;
        List<double> fpr = [0], tpr = [0];
        long tp = 0, fp = 0;
        for (var k = 0; k < order.Length; k++)
        {
            if (truth[order[k]] == 1) { tp++; } else { fp++; }

            if (k + 1 == order.Length || score[order[k + 1]] != score[order[k]])
            {
                fpr.Add(negatives == 0 ? 0 : (double)fp / negatives);
                tpr.Add(positives == 0 ? 0 : (double)tp / positives);
            }
        }

        return ([.. fpr], [.. tpr]);
    }
}
