using Keel.Core.Validation.Gates;
using Keel.ML.Pipeline;

namespace Keel.ML.Evaluation;

/// <summary>Metric names, as MLflow's autologging (scikit-learn) names them.</summary>
public static class MetricNames
{
    public const string Accuracy = "accuracy_score";
    public const string Precision = "precision_score";
    public const string Recall = "recall_score";
    public const string F1 = "f1_score";
    public const string MacroPrecision = "macro_precision";
    public const string MacroRecall = "macro_recall";
    public const string MacroF1 = "macro_f1";
    public const string RocAuc = "roc_auc";
    public const string LogLoss = "log_loss";
    public const string MeanAbsoluteError = "mean_absolute_error";
    public const string MeanSquaredError = "mean_squared_error";
    public const string RootMeanSquaredError = "root_mean_squared_error";
    public const string R2 = "r2_score";
    public const string MeanAbsolutePercentageError = "mean_absolute_percentage_error";

    /// <summary>The metrics computed for a task, in reporting order.</summary>
    public static IReadOnlyList<string> For(MLTask task) => task switch
    {
        MLTask.Binary => [Accuracy, Precision, Recall, F1, RocAuc, LogLoss],
        MLTask.Multiclass => [Accuracy, Precision, Recall, F1, MacroPrecision, MacroRecall, MacroF1, LogLoss],
        _ => [MeanAbsoluteError, MeanSquaredError, RootMeanSquaredError, R2, MeanAbsolutePercentageError],
    };

    /// <summary>
    /// The metrics computed for a task, in reporting order, plus (multiclass) one precision, recall
    /// and F1 per class: <c>precision_class_&lt;class&gt;</c> ... (see <see cref="PerClass"/>).
    /// </summary>
    public static IReadOnlyList<string> For(MLTask task, IReadOnlyList<string> classes)
    {
        ArgumentNullException.ThrowIfNull(classes);
        return task != MLTask.Multiclass ? For(task) : [.. For(task), .. classes.SelectMany(c => MetricDirections.PerClassPrefixes.Select(p => p + ClassKey(c)))];
    }

    /// <summary>Whether a pipeline may name <paramref name="metric"/> for <paramref name="task"/> (in thresholds and sweeps): a metric of <see cref="For(MLTask)"/>, or a per-class score for multiclass.</summary>
    public static bool IsKnown(MLTask task, string metric) =>
        For(task).Contains(metric) || (task == MLTask.Multiclass && MetricDirections.IsPerClass(metric));

    /// <summary>Whether larger values are better (false for losses and errors); Core's <see cref="MetricDirections"/> decides.</summary>
    public static bool HigherIsBetter(string metric) =>
        MetricDirections.TryGetGreaterIsBetter(metric, out var greater) && greater;

    /// <summary>A class name as it appears in a per-class metric name: characters MLflow refuses in metric keys become <c>_</c>.</summary>
    public static string ClassKey(string className)
    {
        ArgumentNullException.ThrowIfNull(className);
        return string.Create(className.Length, className, static (span, name) =>
        {
            for (var i = 0; i < name.Length; i++)
            {
                var c = name[i];
                span[i] = char.IsAsciiLetterOrDigit(c) || c is '_' or '-' or '.' ? c : '_';
            }
        });
    }

    /// <summary>The per-class metric name of a class: <c>f1_class_setosa</c>.</summary>
    public static string PerClass(string prefix, string className) => prefix + ClassKey(className);

    /// <summary>The metric permutation importance and the default sweep use for a task.</summary>
    public static string Primary(MLTask task) => task switch
    {
        MLTask.Binary => RocAuc,
        MLTask.Multiclass => Accuracy,
        _ => RootMeanSquaredError,
    };
}
