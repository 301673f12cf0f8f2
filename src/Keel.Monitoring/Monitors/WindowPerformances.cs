using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Core.Monitoring;
using Keel.Monitoring.Deployments;
using Keel.Monitoring.Performance;

namespace Keel.Monitoring.Monitors;

/// <summary>
/// The headline metric of a window: realised over the requests whose feedback labels arrived
/// (<see cref="FeedbackRows"/> joins them; <see cref="Metrics"/> computes with scikit-learn's
/// definitions), estimated without labels by an <see cref="IPerformanceEstimator"/> when one is
/// given, and the version's validation value to compare with.
/// </summary>
/// <remarks>
/// The headline metric is the training's primary one: <c>auc</c> (ROC AUC) for a binary classifier
/// whose probabilities are logged, <c>accuracy</c> for other classifiers, <c>rmse</c> for regression.
/// </remarks>
public static partial class WindowPerformances
{
    /// <summary>The headline metric of a binary classifier with probabilities.</summary>
    public const string Auc = "auc";

    /// <summary>The headline metric of other classifiers.</summary>
    public const string Accuracy = "accuracy";

    /// <summary>The headline metric of regression.</summary>
    public const string Rmse = "rmse";

    /// <summary>The names a package's validation metrics use for each headline metric (MLflow's first, then the short one).</summary>
    private static readonly Dictionary<string, string[]> ValidationNames = new(StringComparer.Ordinal)
    {
        [Auc] = ["roc_auc", "auc"],
        [Accuracy] = ["accuracy_score", "accuracy"],
        [Rmse] = ["root_mean_squared_error", "rmse"],
    };

    internal static WindowPerformance? Compute(MonitorSeries series, PredictionWindow? window, IPerformanceEstimator? estimator, List<string> problems)
    {
        var feedback = series.Feedback;
        var version = series.Version;
        var regression = version is not null
            ? IsRegression(version.Metadata.Signature)
            : feedback.Values.Count > 0 ? true : feedback.Classes.Count > 0 ? false : (bool?)null;
        if (regression is null)
        {
            return null; // Neither a signature nor a label says what the model predicts.
        }

        var validation = version?.Metadata.ValidationMetrics ?? new Dictionary<string, double>();
        if (regression.Value)
        {
            var records = feedback.Values.Select(v => new PredictionRecord(default, v.Predicted, v.Label)).ToList();
            double? rmse = records.Count == 0 ? null : Metrics.Regression(records)["rmse"];
            return new WindowPerformance(Rmse, false, Finite(rmse), records.Count, null, 0, ValidationValue(validation, Rmse));
        }

        var classes = Classes(series, window);
        var binary = classes.Count == 2 || (classes.Count < 2 && validation.ContainsKey("roc_auc"));
        var positive = binary ? Positive(feedback, window, classes) : null;
        var metric = binary && positive is not null ? Auc : Accuracy;
        var codes = new Dictionary<string, double>(StringComparer.Ordinal);
        foreach (var c in classes)
        {
            codes[c] = codes.Count;
        }

        var rows = new List<PredictionRecord>(feedback.Classes.Count);
        foreach (var (predicted, probability, label) in feedback.Classes)
        {
            rows.Add(new PredictionRecord(default, Code(codes, predicted), Code(codes, label), metric == Auc && double.IsFinite(probability) ? probability : null));
        }

        double? value = null;
        if (rows.Count > 0)
        {
            var computed = Metrics.Classification(rows, positive is null ? 1.0 : codes[positive]);
            value = metric == Auc ? (computed.TryGetValue("roc_auc", out var auc) ? auc : null) : computed["accuracy"];
        }

        var (estimated, estimatedRows) = Estimate(series, window, estimator, metric, classes, positive, problems);
        return new WindowPerformance(metric, true, Finite(value), rows.Count, Finite(estimated), estimatedRows, ValidationValue(validation, metric));
    }

    /// <summary>Whether a signature is a regression model's: one numeric output (as the prediction log reads it).</summary>
    internal static bool IsRegression(ModelSignature signature) =>
        signature.Outputs.Count == 1 && ColumnKinds.Of(signature.Outputs[0].Type) == ColumnKind.Numeric;

    /// <summary>Every class name known: the reference's predictions, the window's predictions, the labels; ordinal order.</summary>
    private static List<string> Classes(MonitorSeries series, PredictionWindow? window)
    {
        var names = new SortedSet<string>(StringComparer.Ordinal);
        AddTexts(names, series.Version?.Reference?.Predictions?[ReferenceSampleFiles.PredictionColumn]);
        AddTexts(names, window?.Predictions.FirstOrDefault(c => c.Name == ReferenceSampleFiles.PredictionColumn));
        foreach (var (p, _, l) in series.Feedback.Classes)
        {
            names.Add(p);
            names.Add(l);
        }

        return [.. names];
    }

    private static void AddTexts(SortedSet<string> names, DataColumn? column)
    {
        foreach (var text in column?.Texts ?? [])
        {
            if (text is not null)
            {
                names.Add(text);
            }
        }
    }

    /// <summary>
    /// The positive class of a binary classifier: serving logs the positive class's probability, so
    /// rows predicted with a probability of at least 0.5 name it. Decided by every row (the class
    /// that agrees with the most of them), so a calibrated probability near 0.5 that disagrees with
    /// the predicted label cannot flip it; null when no probability was logged.
    /// </summary>
    private static string? Positive(FeedbackRows feedback, PredictionWindow? window, List<string> classes)
    {
        if (classes.Count != 2)
        {
            return null;
        }

        long agreeFirst = 0, agreeSecond = 0;
        void Vote(string label, double probability)
        {
            if (!double.IsFinite(probability))
            {
                return;
            }

            var high = probability >= 0.5;
            agreeFirst += (label == classes[0]) == high ? 1 : 0;
            agreeSecond += (label == classes[1]) == high ? 1 : 0;
        }

        foreach (var (p, probability, _) in feedback.Classes)
        {
            Vote(p, probability);
        }

        if (window?.Predictions is [{ Texts: { } labels }, { Numbers: { } probabilities }, ..])
        {
            for (var i = 0; i < labels.Length && i < probabilities.Length; i++)
            {
                if (labels[i] is { } label)
                {
                    Vote(label, probabilities[i]);
                }
            }
        }

        return agreeFirst == 0 && agreeSecond == 0 ? null : agreeFirst >= agreeSecond ? classes[0] : classes[1];
    }

    private static double Code(Dictionary<string, double> codes, string name)
    {
        if (!codes.TryGetValue(name, out var code))
        {
            codes[name] = code = codes.Count;
        }

        return code;
    }

    private static double? ValidationValue(IReadOnlyDictionary<string, double> validation, string metric)
    {
        foreach (var name in ValidationNames[metric])
        {
            if (validation.TryGetValue(name, out var value) && double.IsFinite(value))
            {
                return value;
            }
        }

        return null;
    }

    private static double? Finite(double? value) => value is { } v && double.IsFinite(v) ? v : null;
}
