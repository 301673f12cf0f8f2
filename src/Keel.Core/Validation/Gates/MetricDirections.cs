namespace Keel.Core.Validation.Gates;

/// <summary>
/// Whether higher is better for well-known metric names: MLflow's default evaluator names
/// (<c>accuracy_score</c>, <c>log_loss</c> ...) and the specification's short names
/// (<c>accuracy</c>, <c>precision</c>, <c>recall</c>, <c>f1</c>). Names match exactly.
/// </summary>
public static class MetricDirections
{
    private static readonly Dictionary<string, bool> Known = new(StringComparer.Ordinal)
    {
        ["accuracy_score"] = true,
        ["precision_score"] = true,
        ["recall_score"] = true,
        ["f1_score"] = true,
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
    public static bool TryGetGreaterIsBetter(string metric, out bool greaterIsBetter) =>
        Known.TryGetValue(metric, out greaterIsBetter);
}
