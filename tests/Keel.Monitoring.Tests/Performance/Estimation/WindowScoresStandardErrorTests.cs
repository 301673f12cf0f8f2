using Keel.Monitoring.Performance.Estimation;

namespace Keel.Monitoring.Tests.Performance.Estimation;

/// <summary>
/// The standard error's once-per-window shortcuts (flat binary probabilities, mid-ranks for ROC AUC)
/// against the computation they replaced: draw every row's label into an array, then rank the
/// labels by score (Mann-Whitney with ties counted half) or count the confusion matrix.
/// </summary>
public class WindowScoresStandardErrorTests
{
    public static TheoryData<string, int, int, int> Cases => new()
    {
        // metric, classes, rows, distinct score levels (few levels: many ties)
        { "roc_auc", 2, 2_000, 1_000_000 },
        { "roc_auc", 2, 2_000, 7 },
        { "roc_auc", 2, 9, 3 },
        { "f1_score", 2, 1_500, 1_000_000 },
        { "precision_score", 2, 1_500, 11 },
        { "recall_score", 2, 1_500, 11 },
        { "f1", 2, 800, 1_000_000 },
        { "macro_f1", 3, 1_200, 1_000_000 },
        { "precision", 4, 900, 1_000_000 },
        { "macro_recall", 3, 700, 5 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void StandardError_EqualsDrawingEveryLabelAndRankingThem(string name, int classes, int rows, int levels)
    {
        Assert.True(EstimableMetric.TryParse(name, classes, out var metric));
        var random = new Random(rows * 31 + classes);
        var q = new double[rows][];
        var predicted = new int[rows];
        var score = new double[rows];
        for (var i = 0; i < rows; i++)
        {
            var raw = Enumerable.Range(0, classes).Select(_ => Math.Round(random.NextDouble() * levels) / levels + 1e-3).ToArray();
            var sum = raw.Sum();
            q[i] = raw.Select(v => v / sum).ToArray();
            predicted[i] = Array.IndexOf(q[i], q[i].Max());
            score[i] = q[i][classes - 1];
        }

        var scores = new WindowScores(q, predicted, metric.Kind == EstimableKind.RocAuc ? score : null, classes);
        foreach (var seed in new[] { 42, 7 })
        {
            var expected = DrawnReference.StandardError(q, predicted, metric.Kind == EstimableKind.RocAuc ? score : null, classes, metric, 60, seed);
            var actual = scores.StandardError(metric, 60, seed);
            Assert.Equal(expected.HasValue, actual.HasValue);
            if (expected is { } e)
            {
                Assert.Equal(e, actual!.Value, 1e-12);
                Assert.True(e > 0);
            }
        }
    }

    [Fact]
    public void StandardError_OfAucWithOneClassInEveryDraw_IsNull()
    {
        // Every row certainly negative: no draw has a positive, so no AUC and no error.
        double[][] q = [[1, 0], [1, 0], [1, 0]];
        Assert.True(EstimableMetric.TryParse("roc_auc", 2, out var metric));
        var scores = new WindowScores(q, [0, 0, 0], [0.1, 0.2, 0.3], 2);
        Assert.Null(scores.StandardError(metric, 20, 1));
        Assert.Null(DrawnReference.StandardError(q, [0, 0, 0], [0.1, 0.2, 0.3], 2, metric, 20, 1));
    }

    /// <summary>The computation before the shortcuts (commit 768bf5c's WindowScores.StandardError), kept here as the reference.</summary>
    private static class DrawnReference
    {
        public static double? StandardError(double[][] q, int[] predicted, double[]? score, int classes, EstimableMetric metric, int draws, int seed)
        {
            int n = q.Length;
            var predictedCounts = new double[classes];
            foreach (int k in predicted)
            {
                predictedCounts[k]++;
            }

            int[]? byScore = null;
            int[]? groupEnd = null;
            if (score is not null)
            {
                byScore = Enumerable.Range(0, n).ToArray();
                Array.Sort((double[])score.Clone(), byScore);
                groupEnd = new int[n];
                for (int i = n - 1; i >= 0; i--)
                {
                    groupEnd[i] = i + 1 < n && score[byScore[i + 1]] == score[byScore[i]] ? groupEnd[i + 1] : i + 1;
                }
            }

            var random = new Random(seed);
            var label = new int[n];
            var values = new List<double>(draws);
            var tp = new double[classes];
            var support = new double[classes];
            for (int d = 0; d < draws; d++)
            {
                Array.Clear(tp);
                Array.Clear(support);
                for (int i = 0; i < n; i++)
                {
                    int y = Draw(q[i], random.NextDouble());
                    label[i] = y;
                    support[y]++;
                    if (y == predicted[i])
                    {
                        tp[y]++;
                    }
                }

                double value = metric.Kind == EstimableKind.RocAuc ? RealisedAuc(label, byScore!, groupEnd!) : ConfusionScores.Score(metric, tp, predictedCounts, support, n);
                if (!double.IsNaN(value))
                {
                    values.Add(value);
                }
            }

            if (values.Count < 2)
            {
                return null;
            }

            double mean = values.Average();
            return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
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

        private static double RealisedAuc(int[] label, int[] order, int[] groupEnd)
        {
            double negativesBelow = 0, numerator = 0, positives = 0;
            for (int start = 0; start < order.Length; start = groupEnd[start])
            {
                int end = groupEnd[start];
                double groupPositives = 0, groupNegatives = 0;
                for (int j = start; j < end; j++)
                {
                    if (label[order[j]] == 1)
                    {
                        groupPositives++;
                    }
                    else
                    {
                        groupNegatives++;
                    }
                }

                numerator += groupPositives * (negativesBelow + 0.5 * groupNegatives);
                positives += groupPositives;
                negativesBelow += groupNegatives;
            }

            double negatives = order.Length - positives;
            return positives == 0 || negatives == 0 ? double.NaN : numerator / (positives * negatives);
        }
    }
}
