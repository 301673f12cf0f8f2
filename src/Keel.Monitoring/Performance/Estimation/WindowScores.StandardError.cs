namespace Keel.Monitoring.Performance.Estimation;

// The sampling standard error: a parametric bootstrap of the realised metric over label draws.
internal sealed partial class WindowScores
{
    /// <summary>
    /// Standard deviation of the realised metric under the calibrated probabilities; null when it
    /// cannot be drawn (a single row, AUC with one class in every draw).
    /// </summary>
    /// <remarks>
    /// Each draw takes one <see cref="Random.NextDouble"/> per row, in row order, from
    /// <c>new Random(seed)</c> (<see cref="SeededUniforms"/>, the same numbers without the virtual calls), and a row's label is the first class whose cumulative probability
    /// exceeds it. Work done once per window rather than once per draw: a binary window's
    /// probabilities are read from one flat array, and ROC AUC uses each row's mid-rank by score
    /// (Mann-Whitney U = Σ mid-ranks of the positives − P(P + 1)/2, ties counted half), so a draw
    /// is one pass in row order with no label array and no second pass in score order. The sums are
    /// of integers and halves, exact in doubles, so the result is bit for bit the one of drawing
    /// the labels and ranking them (tested against that computation).
    /// </remarks>
    public double? StandardError(EstimableMetric metric, int draws, int seed) => StandardError(metric, draws, seed, maxRows: 0);

    /// <summary>
    /// The standard error, with the label draws over at most <paramref name="maxRows"/> rows: a
    /// larger window draws over a seeded subsample of about that many rows, stratified by predicted
    /// class (<see cref="Subsample"/>), and scales the spread by √(m/n), m the rows drawn. Every metric estimated
    /// here is a smooth function of per-row sums (a ratio of counts, or a Mann-Whitney U statistic),
    /// so its spread under independent label draws shrinks as 1/√n to first order, and the
    /// subsample's spread, times √(m/n), estimates the window's. The cost is then
    /// <paramref name="draws"/> × m row draws whatever the window's size. Accuracy keeps its
    /// closed form over every row. 0: every row.
    /// </summary>
    public double? StandardError(EstimableMetric metric, int draws, int seed, int maxRows)
    {
        int n = _q.Length;
        if (metric.Kind != EstimableKind.Accuracy && maxRows > 0 && n > maxRows)
        {
            var subsample = Subsample(maxRows, seed);
            return subsample.StandardError(metric, draws, seed) * Math.Sqrt((double)subsample.Rows / n);
        }

        if (metric.Kind == EstimableKind.Accuracy)
        {
            double variance = 0;
            for (int i = 0; i < n; i++)
            {
                double c = _q[i][_predicted[i]];
                variance += c * (1 - c);
            }

            return Math.Sqrt(variance) / n;
        }

        var random = new SeededUniforms(seed);
        var values = new List<double>(draws);
        double[]? negative = _classes == 2 ? FirstClassProbabilities() : null;
        if (metric.Kind == EstimableKind.RocAuc)
        {
            for (int d = 0; d < draws; d++)
            {
                double value = DrawnAuc(ref random, negative!);
                if (!double.IsNaN(value))
                {
                    values.Add(value);
                }
            }
        }
        else
        {
            var tp = new double[_classes];
            var support = new double[_classes];
            for (int d = 0; d < draws; d++)
            {
                Array.Clear(tp);
                Array.Clear(support);
                if (negative is not null)
                {
                    DrawBinaryCounts(ref random, negative, tp, support);
                }
                else
                {
                    DrawCounts(ref random, tp, support);
                }

                double value = ConfusionScores.Score(metric, tp, _predictedCounts, support, n);
                if (!double.IsNaN(value))
                {
                    values.Add(value);
                }
            }
        }

        if (values.Count < 2)
        {
            return null;
        }

        double mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>
    /// The scores of a seeded sample of about <paramref name="rows"/> of the window's rows, in row
    /// order, stratified by predicted class: each class keeps its share of the rows (rounded, at least
    /// one), drawn uniformly within it (<see cref="Monitors.RowSample"/>), so the predicted counts —
    /// the denominators of precision — are the window's scaled down, not a random draw of them.
    /// </summary>
    private WindowScores Subsample(int rows, int seed)
    {
        int n = _q.Length;
        var byClass = new List<int>[_classes];
        for (int c = 0; c < _classes; c++)
        {
            byClass[c] = new List<int>((int)_predictedCounts[c]);
        }

        for (int i = 0; i < n; i++)
        {
            byClass[_predicted[i]].Add(i);
        }

        var kept = new List<int>(rows + _classes);
        for (int c = 0; c < _classes; c++)
        {
            int count = byClass[c].Count;
            if (count == 0)
            {
                continue;
            }

            int take = Math.Clamp((int)Math.Round((double)rows * count / n), 1, count);
            foreach (int j in Monitors.RowSample.Indices(count, take, Monitors.RowSample.Seed($"cbpe-standard-error/{seed}/{n}/{c}")))
            {
                kept.Add(byClass[c][j]);
            }
        }

        kept.Sort();
        var q = new double[kept.Count][];
        var predicted = new int[kept.Count];
        double[]? score = _score is null ? null : new double[kept.Count];
        for (int i = 0; i < kept.Count; i++)
        {
            q[i] = _q[kept[i]];
            predicted[i] = _predicted[kept[i]];
            if (score is not null)
            {
                score[i] = _score![kept[i]];
            }
        }

        return new WindowScores(q, predicted, score, _classes);
    }

    /// <summary>1-based mid-ranks of the rows by score (tied rows share their group's mean rank), in row order.</summary>
    private static double[] MidRanks(int[] byScore, int[] groupEnd)
    {
        var rank = new double[byScore.Length];
        for (int start = 0; start < byScore.Length; start = groupEnd[start])
        {
            int end = groupEnd[start];
            double mid = (start + 1 + end) / 2.0;
            for (int j = start; j < end; j++)
            {
                rank[byScore[j]] = mid;
            }
        }

        return rank;
    }

    /// <summary>Each row's probability of the first class: a binary draw is class 0 when u is below it.</summary>
    private double[] FirstClassProbabilities()
    {
        var first = new double[_q.Length];
        for (int i = 0; i < first.Length; i++)
        {
            first[i] = _q[i][0];
        }

        return first;
    }

    /// <summary>ROC AUC of one draw of labels against the model's score; NaN with one class.</summary>
    private double DrawnAuc(ref SeededUniforms random, double[] negative)
    {
        var midRank = _midRank!;
        var uniforms = random; // a local copy the JIT keeps in registers; written back below
        double rankSum = 0, positives = 0;
        for (int i = 0; i < negative.Length; i++)
        {
            if (!(uniforms.NextDouble() < negative[i]))
            {
                rankSum += midRank[i];
                positives++;
            }
        }

        random = uniforms;

        double negatives = negative.Length - positives;
        return positives == 0 || negatives == 0 ? double.NaN : (rankSum - (positives * (positives + 1) / 2)) / (positives * negatives);
    }

    private void DrawBinaryCounts(ref SeededUniforms random, double[] negative, double[] tp, double[] support)
    {
        var uniforms = random;
        for (int i = 0; i < negative.Length; i++)
        {
            int y = uniforms.NextDouble() < negative[i] ? 0 : 1;
            support[y]++;
            if (y == _predicted[i])
            {
                tp[y]++;
            }
        }

        random = uniforms;
    }

    private void DrawCounts(ref SeededUniforms random, double[] tp, double[] support)
    {
        for (int i = 0; i < _q.Length; i++)
        {
            int y = Draw(_q[i], random.NextDouble());
            support[y]++;
            if (y == _predicted[i])
            {
                tp[y]++;
            }
        }
    }

    private static int Draw(double[] q, double u)
    {
        double cumulative = 0;
        for (int c = 0; c < q.Length - 1; c++)
        {
            cumulative += q[c];
            if (u < cumulative)
            {
                return c;
            }
        }

        return q.Length - 1;
    }
}
