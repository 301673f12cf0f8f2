namespace Keel.Monitoring.Performance.Estimation;

/// <summary>
/// A metric from per-class counts (true positives, predicted and actual counts), with
/// scikit-learn's definitions and <c>zero_division=0</c>. The counts are real (a realised label
/// draw) or expected (CBPE: sums of calibrated probabilities), so the estimate and its sampling
/// error come from the same code.
/// </summary>
internal static class ConfusionScores
{
    /// <param name="metric">Precision, recall or F1 and their averaging (accuracy and AUC are computed elsewhere).</param>
    /// <param name="truePositive">Per class: rows predicted as the class that are of the class.</param>
    /// <param name="predicted">Per class: rows predicted as the class.</param>
    /// <param name="support">Per class: rows of the class.</param>
    /// <param name="rows">Rows.</param>
    public static double Score(EstimableMetric metric, double[] truePositive, double[] predicted, double[] support, double rows)
    {
        if (metric.Averaging == Averaging.Positive)
        {
            return PerClass(metric.Kind, truePositive[1], predicted[1], support[1]);
        }

        double sum = 0;
        int present = 0;
        for (int c = 0; c < truePositive.Length; c++)
        {
            // scikit-learn averages over the classes that occur in the truth or the predictions.
            if (predicted[c] <= 0 && support[c] <= 1e-12)
            {
                continue;
            }

            double score = PerClass(metric.Kind, truePositive[c], predicted[c], support[c]);
            sum += metric.Averaging == Averaging.Weighted ? score * support[c] / rows : score;
            present++;
        }

        return metric.Averaging == Averaging.Macro ? (present == 0 ? 0 : sum / present) : sum;
    }

    private static double PerClass(EstimableKind kind, double tp, double predicted, double support) => kind switch
    {
        EstimableKind.Precision => predicted <= 0 ? 0 : tp / predicted,
        EstimableKind.Recall => support <= 0 ? 0 : tp / support,
        _ => predicted + support <= 0 ? 0 : 2 * tp / (predicted + support),
    };
}
