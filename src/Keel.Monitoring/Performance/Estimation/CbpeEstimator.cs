using System.Globalization;
using System.Runtime.CompilerServices;

namespace Keel.Monitoring.Performance.Estimation;

/// <summary>
/// Confidence-based performance estimation (NannyML's CBPE): with calibrated probabilities, the
/// probability of a row's predicted class is the chance that the prediction is right, so the
/// expected confusion counts of a window — and every metric built from them — follow without
/// labels. Binary and multiclass: accuracy; precision, recall and F1 (weighted, macro, or the
/// positive class's: see <see cref="EstimableMetric"/> for the names); ROC AUC for binary models.
/// </summary>
/// <remarks>
/// Calibration is checked, and fitted when it helps, on the labelled reference rows of the input
/// (see <see cref="CalibrationCheck"/>). No estimate (null) when:
/// the task is not classification or the metric is not one of the above; the window has no usable
/// row (a probability vector of the wrong length, a value outside [0, 1], a predicted class not
/// among the classes); the reference has fewer than <see cref="CbpeOptions.MinReferenceRows"/>
/// usable labelled rows or fewer than <see cref="CbpeOptions.MinReferenceRowsPerClass"/> of some
/// class; or the held-out calibration error of the probabilities used exceeds the bound even
/// after isotonic calibration. The estimate is only as good as the assumption it rests on: that
/// P(label | probability) is the same in production as in the reference (covariate shift is fine,
/// concept drift is not).
/// </remarks>
public sealed class CbpeEstimator : IPerformanceEstimator
{
    private readonly CbpeOptions _options;
    private readonly ConditionalWeakTable<IReadOnlyList<double[]>, ReferenceFit> _fits = new();
    private long _calibrationsFitted;

    /// <summary>An estimator with default options.</summary>
    public CbpeEstimator()
        : this(new CbpeOptions())
    {
    }

    /// <summary>An estimator with <paramref name="options"/>.</summary>
    public CbpeEstimator(CbpeOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
    }

    /// <summary>How many times a reference was calibrated (the rest of the estimates reused a cached calibration).</summary>
    public long CalibrationsFitted => Interlocked.Read(ref _calibrationsFitted);

    /// <inheritdoc />
    public PerformanceEstimate? Estimate(PerformanceEstimateInput input) => Evaluate(input).Estimate;

    /// <summary>The estimate with the calibration check, or the reason there is none.</summary>
    public CbpeOutcome Evaluate(PerformanceEstimateInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int classes = input.Classes.Count;
        var index = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int c = 0; c < classes; c++)
        {
            if (!index.TryAdd(input.Classes[c], c))
            {
                return Refuse($"class '{input.Classes[c]}' is listed twice");
            }
        }

        if (classes < 2)
        {
            return Refuse("not a classifier (fewer than two classes)");
        }

        if (!EstimableMetric.TryParse(input.Metric, classes, out var metric))
        {
            return Refuse($"metric '{input.Metric}' cannot be estimated for a {(classes == 2 ? "binary" : "multiclass")} model");
        }

        if (input.Probabilities.Count != input.Predicted.Count || input.ReferenceProbabilities.Count != input.ReferenceLabels.Count)
        {
            return Refuse("probabilities and predicted classes (or reference labels) differ in count");
        }

        var window = Rows(input.Probabilities, input.Predicted, index, classes);
        if (window.Rows.Length == 0)
        {
            return Refuse("the window has no row with a usable probability vector and predicted class");
        }

        var fitted = Fitted(input, index, classes);
        if (fitted.Refusal is not null)
        {
            return new CbpeOutcome(null, fitted.Calibration?.Check, fitted.Refusal);
        }

        var calibration = fitted.Calibration!;
        var check = calibration.Check;
        var q = new double[window.Rows.Length][];
        for (int i = 0; i < q.Length; i++)
        {
            q[i] = calibration.Apply(window.Rows[i]);
        }

        double[]? score = metric.Kind == EstimableKind.RocAuc ? window.Rows.Select(r => r[1]).ToArray() : null;
        var scores = new WindowScores(q, window.Classes, score, classes);
        double value = scores.Estimate(metric);
        if (double.IsNaN(value))
        {
            return new CbpeOutcome(null, check, "the window's probabilities leave no expected positive-negative pair");
        }

        var error = scores.StandardError(metric, _options.SamplingDraws, _options.Seed, _options.SamplingRows);
        return new CbpeOutcome(new PerformanceEstimate(input.Metric, value, q.Length, error), check, null);
    }

    private static CbpeOutcome Refuse(string why) => new(null, null, why);

    /// <summary>
    /// The calibration fitted on the input's reference, or why there is none. Cached by the
    /// reference's list (a monitored version keeps one for its lifetime, so a version is
    /// calibrated once, not on every pass) and checked against the labels and classes it was
    /// fitted with.
    /// </summary>
    private ReferenceFit Fitted(PerformanceEstimateInput input, Dictionary<string, int> index, int classes)
    {
        var cached = _fits.TryGetValue(input.ReferenceProbabilities, out var known) ? known : null;
        if (cached is not null && ReferenceEquals(cached.Labels, input.ReferenceLabels) && cached.Classes.SequenceEqual(input.Classes, StringComparer.Ordinal))
        {
            return cached;
        }

        var fit = Fit(input, index, classes);
        if (input.ReferenceProbabilities.Count > 0)
        {
            _fits.AddOrUpdate(input.ReferenceProbabilities, fit);
        }

        return fit;
    }

    private ReferenceFit Fit(PerformanceEstimateInput input, Dictionary<string, int> index, int classes)
    {
        var classNames = input.Classes.ToArray();
        var reference = Rows(input.ReferenceProbabilities, input.ReferenceLabels, index, classes);
        if (reference.Rows.Length < _options.MinReferenceRows)
        {
            return new ReferenceFit(classNames, input.ReferenceLabels, null, $"the reference has {reference.Rows.Length} usable labelled rows; calibration needs at least {_options.MinReferenceRows}");
        }

        var perClass = new int[classes];
        foreach (int l in reference.Classes)
        {
            perClass[l]++;
        }

        int rarest = Array.IndexOf(perClass, perClass.Min());
        if (perClass[rarest] < _options.MinReferenceRowsPerClass)
        {
            return new ReferenceFit(classNames, input.ReferenceLabels, null, $"the reference has {perClass[rarest]} rows of class '{input.Classes[rarest]}'; calibration needs at least {_options.MinReferenceRowsPerClass} of each");
        }

        Interlocked.Increment(ref _calibrationsFitted);
        var calibration = Calibration.Fit(reference.Rows, reference.Classes, classes, _options);
        var check = calibration.Check;
        return new ReferenceFit(classNames, input.ReferenceLabels, calibration, check.Passed ? null : string.Create(CultureInfo.InvariantCulture,
            $"the reference's probabilities are badly calibrated (held-out expected calibration error {check.UsedError:0.####}{(check.Calibrated ? " after isotonic calibration" : "")}, above {check.AllowedError:0.####})"));
    }

    /// <summary>A reference's calibration (or the reason there is none) and what it was fitted for.</summary>
    private sealed record ReferenceFit(string[] Classes, IReadOnlyList<string> Labels, Calibration? Calibration, string? Refusal);

    /// <summary>
    /// The usable rows: a vector of one probability per class, each in [0, 1], and a known class;
    /// binary vectors become [1 − p, p] of the positive (second) class, multiclass ones are
    /// renormalised to sum to one.
    /// </summary>
    private static (double[][] Rows, int[] Classes) Rows(IReadOnlyList<double[]> probabilities, IReadOnlyList<string> classOf, Dictionary<string, int> index, int classes)
    {
        var rows = new List<double[]>(probabilities.Count);
        var labels = new List<int>(probabilities.Count);
        for (int i = 0; i < probabilities.Count; i++)
        {
            var p = probabilities[i];
            if (p is null || p.Length != classes || classOf[i] is not { } name || !index.TryGetValue(name, out int k) || !Valid(p))
            {
                continue;
            }

            double[] row;
            if (classes == 2)
            {
                // A vector already [1 − p, p] (as the monitor passes them) is used as it is: one array less per row.
                row = p[0] == 1 - p[1] ? p : [1 - p[1], p[1]];
            }
            else
            {
                double sum = p.Sum();
                if (sum <= 0)
                {
                    continue;
                }

                row = p.Select(v => v / sum).ToArray();
            }

            rows.Add(row);
            labels.Add(k);
        }

        return ([.. rows], [.. labels]);
    }

    private static bool Valid(double[] p)
    {
        foreach (double v in p)
        {
            if (!(v >= 0 && v <= 1))
            {
                return false;
            }
        }

        return true;
    }
}
