namespace Keel.Monitoring.Performance.Estimation;

/// <summary>How a per-class score is averaged.</summary>
internal enum Averaging
{
    /// <summary>Binary models: the positive class's score (Keel.ML's <c>*_score</c> names).</summary>
    Positive,

    /// <summary>Weighted by each class's support (<c>average='weighted'</c>).</summary>
    Weighted,

    /// <summary>Unweighted mean over the classes present (<c>average='macro'</c>).</summary>
    Macro,
}

/// <summary>What is estimated.</summary>
internal enum EstimableKind
{
    Accuracy,
    Precision,
    Recall,
    F1,
    RocAuc,
}

/// <summary>
/// The metric names the estimator understands, with the definitions of the code that realises
/// them: <see cref="Metrics"/>' names (<c>accuracy</c>; <c>precision</c>, <c>recall</c>, <c>f1</c>
/// weighted by support; <c>roc_auc</c>) and Keel.ML's (<c>accuracy_score</c>; <c>precision_score</c>,
/// <c>recall_score</c>, <c>f1_score</c> of the positive class for binary models and weighted for
/// multiclass ones; <c>macro_precision</c>, <c>macro_recall</c>, <c>macro_f1</c>; <c>auc</c> as an alias).
/// </summary>
internal readonly record struct EstimableMetric(EstimableKind Kind, Averaging Averaging)
{
    /// <summary>The metric named <paramref name="name"/> for a model with <paramref name="classes"/> classes; false when it cannot be estimated.</summary>
    public static bool TryParse(string name, int classes, out EstimableMetric metric)
    {
        bool binary = classes == 2;
        var scoreAveraging = binary ? Averaging.Positive : Averaging.Weighted;
        (bool ok, metric) = name switch
        {
            "accuracy" or "accuracy_score" => (true, new EstimableMetric(EstimableKind.Accuracy, Averaging.Weighted)),
            "precision" => (true, new EstimableMetric(EstimableKind.Precision, Averaging.Weighted)),
            "recall" => (true, new EstimableMetric(EstimableKind.Recall, Averaging.Weighted)),
            "f1" => (true, new EstimableMetric(EstimableKind.F1, Averaging.Weighted)),
            "precision_score" => (true, new EstimableMetric(EstimableKind.Precision, scoreAveraging)),
            "recall_score" => (true, new EstimableMetric(EstimableKind.Recall, scoreAveraging)),
            "f1_score" => (true, new EstimableMetric(EstimableKind.F1, scoreAveraging)),
            "macro_precision" => (true, new EstimableMetric(EstimableKind.Precision, Averaging.Macro)),
            "macro_recall" => (true, new EstimableMetric(EstimableKind.Recall, Averaging.Macro)),
            "macro_f1" => (true, new EstimableMetric(EstimableKind.F1, Averaging.Macro)),
            "roc_auc" or "auc" when binary => (true, new EstimableMetric(EstimableKind.RocAuc, Averaging.Positive)),
            _ => (false, default),
        };
        return ok;
    }
}
