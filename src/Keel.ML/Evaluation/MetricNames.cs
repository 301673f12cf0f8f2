using Keel.ML.Pipeline;

namespace Keel.ML.Evaluation;

/// <summary>Metric names, as MLflow's autologging (scikit-learn) names them.</summary>
public static class MetricNames
{
    public const string Accuracy = "accuracy_score";
    public const string Precision = "precision_score";
    public const string Recall = "recall_score";
    public const string F1 = "f1_score";
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
        MLTask.Multiclass => [Accuracy, Precision, Recall, F1, LogLoss],
        _ => [MeanAbsoluteError, MeanSquaredError, RootMeanSquaredError, R2, MeanAbsolutePercentageError],
    };

    /// <summary>Whether larger values are better (false for losses and errors).</summary>
    public static bool HigherIsBetter(string metric) =>
        metric is Accuracy or Precision or Recall or F1 or RocAuc or R2;

    /// <summary>The metric permutation importance and the default sweep use for a task.</summary>
    public static string Primary(MLTask task) => task switch
    {
        MLTask.Binary => RocAuc,
        MLTask.Multiclass => Accuracy,
        _ => RootMeanSquaredError,
    };
}
