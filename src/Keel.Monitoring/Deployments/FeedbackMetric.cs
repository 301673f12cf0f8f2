using Keel.Monitoring.Performance;

namespace Keel.Monitoring.Deployments;

/// <summary>
/// One arm's labelled rows encoded for fast metrics (scikit-learn's definitions, as
/// <see cref="Metrics"/>): accuracy; precision, recall and F1 weighted by support; binary ROC AUC
/// on the positive class's probability; RMSE and MAE. Any subset of rows (a bootstrap resample)
/// can be scored without copying.
/// </summary>
internal sealed class FeedbackMetric
{
    private readonly int[] _predicted = [], _label = [];
    private readonly double[] _score = [], _values = [], _truth = [];
    private readonly int _classes;
    private readonly int _positive = -1;

    /// <summary>Encodes a classifier arm with class codes shared by both arms.</summary>
    public FeedbackMetric(FeedbackRows rows, Dictionary<string, int> codes, string? positive)
    {
        int n = rows.Count;
        if (rows.IsClassifier)
        {
            _predicted = new int[n];
            _label = new int[n];
            _score = new double[n];
            for (int i = 0; i < n; i++)
            {
                var (p, prob, l) = rows.Classes[i];
                _predicted[i] = codes[p];
                _label[i] = codes[l];
                // The logged probability is the positive class's (binary) or the predicted class's (multiclass).
                _score[i] = prob;
            }

            _classes = codes.Count;
            _positive = positive is null ? -1 : codes[positive];
        }
        else
        {
            _values = new double[n];
            _truth = new double[n];
            for (int i = 0; i < n; i++)
            {
                (_values[i], _truth[i]) = rows.Values[i];
            }
        }

        Count = n;
    }

    public int Count { get; }

    /// <summary>Higher is better for every metric but rmse and mae.</summary>
    public static bool HigherIsBetter(string metric) => metric is not ("rmse" or "mae");

    /// <summary>Absolute errors of a regression arm (MAE's terms).</summary>
    public double[] AbsoluteErrors()
    {
        var e = new double[_values.Length];
        for (int i = 0; i < e.Length; i++)
        {
            e[i] = Math.Abs(_truth[i] - _values[i]);
        }

        return e;
    }

    /// <summary>Correct (1) or not (0) per row of a classifier arm.</summary>
    public int Correct()
    {
        int c = 0;
        for (int i = 0; i < _predicted.Length; i++)
        {
            c += _predicted[i] == _label[i] ? 1 : 0;
        }

        return c;
    }

    /// <summary>The metric over the rows <paramref name="rows"/> (null: every row); NaN when undefined (e.g. AUC with one class).</summary>
    public double Compute(string metric, int[]? rows = null)
    {
        int n = rows?.Length ?? Count;
        if (n == 0)
        {
            return double.NaN;
        }

        return metric switch
        {
            "rmse" => Math.Sqrt(Regression(rows, squared: true) / n),
            "mae" => Regression(rows, squared: false) / n,
            "accuracy" => Accuracy(rows, n),
            "auc" => Auc(rows, n),
            _ => Weighted(metric, rows, n),
        };
    }

    private double Regression(int[]? rows, bool squared)
    {
        double s = 0;
        int n = rows?.Length ?? Count;
        for (int k = 0; k < n; k++)
        {
            int i = rows?[k] ?? k;
            double e = _truth[i] - _values[i];
            s += squared ? e * e : Math.Abs(e);
        }

        return s;
    }

    private double Accuracy(int[]? rows, int n)
    {
        int correct = 0;
        for (int k = 0; k < n; k++)
        {
            int i = rows?[k] ?? k;
            correct += _predicted[i] == _label[i] ? 1 : 0;
        }

        return correct / (double)n;
    }

    private double Weighted(string metric, int[]? rows, int n)
    {
        Span<int> tp = _classes <= 256 ? stackalloc int[_classes] : new int[_classes];
        Span<int> predicted = _classes <= 256 ? stackalloc int[_classes] : new int[_classes];
        Span<int> support = _classes <= 256 ? stackalloc int[_classes] : new int[_classes];
        for (int k = 0; k < n; k++)
        {
            int i = rows?[k] ?? k;
            predicted[_predicted[i]]++;
            support[_label[i]]++;
            tp[_label[i]] += _predicted[i] == _label[i] ? 1 : 0;
        }

        double result = 0;
        for (int c = 0; c < _classes; c++)
        {
            if (support[c] == 0)
            {
                continue;
            }

            double p = predicted[c] == 0 ? 0 : tp[c] / (double)predicted[c];
            double r = tp[c] / (double)support[c];
            double value = metric switch
            {
                "precision" => p,
                "recall" => r,
                _ => p + r == 0 ? 0 : 2 * p * r / (p + r),
            };
            result += support[c] / (double)n * value;
        }

        return result;
    }

    private double Auc(int[]? rows, int n)
    {
        if (_positive < 0 || _classes != 2)
        {
            return double.NaN;
        }

        var positive = new bool[n];
        var score = new double[n];
        for (int k = 0; k < n; k++)
        {
            int i = rows?[k] ?? k;
            if (!double.IsFinite(_score[i]))
            {
                return double.NaN;
            }

            positive[k] = _label[i] == _positive;
            score[k] = _score[i];
        }

        return Metrics.RocAuc(positive, score);
    }
}
