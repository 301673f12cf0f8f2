namespace Keel.Monitoring.Performance.Estimation;

/// <summary>
/// One window's calibrated probabilities and predicted classes, with the estimated metric
/// (expected confusion counts, as NannyML's CBPE) and its sampling standard error: the spread of
/// the realised metric over label draws from the same probabilities (a parametric bootstrap; for
/// accuracy its closed form √(Σ c(1 − c)) / n, c the probability of the predicted class).
/// </summary>
internal sealed partial class WindowScores
{
    private readonly double[][] _q;
    private readonly int[] _predicted;
    private readonly int _classes;
    private readonly double[] _predictedCounts;
    private readonly int[]? _byScore;
    private readonly int[]? _groupEnd;
    private readonly double[]? _midRank;
    private readonly double[]? _score;

    /// <param name="q">Calibrated probability vectors (each sums to one).</param>
    /// <param name="predicted">Predicted class index of each row.</param>
    /// <param name="score">The model's own positive-class probability (binary: the ranking ROC AUC is about).</param>
    /// <param name="classes">Number of classes.</param>
    public WindowScores(double[][] q, int[] predicted, double[]? score, int classes)
    {
        _q = q;
        _predicted = predicted;
        _classes = classes;
        _score = score;
        _predictedCounts = new double[classes];
        foreach (int k in predicted)
        {
            _predictedCounts[k]++;
        }

        if (score is not null)
        {
            _byScore = Enumerable.Range(0, q.Length).ToArray();
            Array.Sort((double[])score.Clone(), _byScore);
            _groupEnd = new int[q.Length];
            for (int i = q.Length - 1; i >= 0; i--)
            {
                _groupEnd[i] = i + 1 < q.Length && score[_byScore[i + 1]] == score[_byScore[i]] ? _groupEnd[i + 1] : i + 1;
            }

            _midRank = MidRanks(_byScore, _groupEnd);
        }
    }

    public int Rows => _q.Length;

    /// <summary>The estimated metric: expected counts in the metric's formula (ratio of expectations, as CBPE).</summary>
    public double Estimate(EstimableMetric metric)
    {
        int n = _q.Length;
        switch (metric.Kind)
        {
            case EstimableKind.Accuracy:
                double correct = 0;
                for (int i = 0; i < n; i++)
                {
                    correct += _q[i][_predicted[i]];
                }

                return correct / n;
            case EstimableKind.RocAuc:
                return ExpectedAuc();
            default:
                var tp = new double[_classes];
                var support = new double[_classes];
                for (int i = 0; i < n; i++)
                {
                    tp[_predicted[i]] += _q[i][_predicted[i]];
                    for (int c = 0; c < _classes; c++)
                    {
                        support[c] += _q[i][c];
                    }
                }

                return ConfusionScores.Score(metric, tp, _predictedCounts, support, n);
        }
    }

    /// <summary>
    /// E[Mann-Whitney numerator] / E[positives × negatives] over pairs of distinct rows, ranked by
    /// the model's own score (ties count half): Σ_{i≠j} q_i (1 − q_j) [s_i &gt; s_j or half if equal]
    /// over Σ_{i≠j} q_i (1 − q_j), q the calibrated positive probability.
    /// </summary>
    private double ExpectedAuc()
    {
        var order = _byScore!;
        double negativesBelow = 0, numerator = 0, positives = 0, negatives = 0, self = 0;
        for (int start = 0; start < order.Length; start = _groupEnd![start])
        {
            int end = _groupEnd![start];
            double groupNegatives = 0;
            for (int j = start; j < end; j++)
            {
                groupNegatives += 1 - _q[order[j]][1];
            }

            for (int j = start; j < end; j++)
            {
                double q = _q[order[j]][1];
                // A row is never paired with itself: take its own (1 − q) out of its tie group.
                numerator += q * (negativesBelow + 0.5 * (groupNegatives - (1 - q)));
                positives += q;
                negatives += 1 - q;
                self += q * (1 - q);
            }

            negativesBelow += groupNegatives;
        }

        double denominator = positives * negatives - self;
        return denominator <= 0 ? double.NaN : numerator / denominator;
    }
}
