namespace Keel.Core.Validation.Gates;

/// <summary>
/// Whether higher is better for well-known metric names: MLflow's default evaluator names
/// (<c>accuracy_score</c>, <c>log_loss</c> ...) and the specification's short names
/// (<c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1</c>), Keel's multiclass macro averages
/// (<c>macro_f1</c> ...), and per-class scores named <c>precision_class_&lt;class&gt;</c>,
/// <c>recall_class_&lt;class&gt;</c> and <c>f1_class_&lt;class&gt;</c>. Other names match exactly.
/// </summary>
public static class MetricDirections
{
    private static readonly Dictionary<string, bool> Known = new(StringComparer.Ordinal)
    {
        ["accuracy_score"] = true,
        ["precision_score"] = true,
        ["recall_score"] = true,
        ["f1_score"] = true,
        ["macro_precision"] = true,
        ["macro_recall"] = true,
        ["macro_f1"] = true,
        ["roc_auc"] = true,
        ["r2_score"] = true,
        ["accuracy"] = true,
        ["precision"] = true,
        ["recall"] = true,
        ["f1"] = true,
        ["log_loss"] = false,
        ["mean_absolute_error"] = false,
        ["mean_squared_error"] = false,
        ["root_mean_squared_error"] = false,
        ["mean_absolute_percentage_error"] = false,
    };

    /// <summary>The known names, comma separated, for error messages.</summary>
    public static string KnownNames => string.Join(", ", Known.Keys.Order(StringComparer.Ordinal));

    /// <summary>Looks up the direction of a known metric.</summary>
    /// <returns>False when the metric is not in the table.</returns>
    public static bool TryGetGreaterIsBetter(string metric, out bool greaterIsBetter)
    {
        ArgumentNullException.ThrowIfNull(metric);
        if (Known.TryGetValue(metric, out greaterIsBetter))
        {
            return true;
        }

        greaterIsBetter = IsPerClass(metric);
        return greaterIsBetter;
    }

    /// <summary>The prefixes of per-class scores; the class name follows.</summary>
    public static IReadOnlyList<string> PerClassPrefixes { get; } = ["precision_class_", "recall_class_", "f1_class_"];

    /// <summary>Whether <paramref name="metric"/> is a per-class score (<c>f1_class_setosa</c>).</summary>
    public static bool IsPerClass(string metric)
    {
        ArgumentNullException.ThrowIfNull(metric);
        foreach (var prefix in PerClassPrefixes)
        {
            if (metric.Length > prefix.Length && metric.StartsWith(prefix, StringComparison.Ordinal))
            {
                return true;
            }
        }

        return false;
    }
}
