using System.Text.Json.Serialization;
using Keel.Core.Errors;

namespace Keel.Core.Validation.Gates;

/// <summary>
/// A validation threshold for one metric, with MLflow's <c>MetricThreshold</c> semantics
/// (mlflow/models/evaluation/validation.py): an absolute bound, and optional minimum changes
/// against the current champion. At least one of the bounds must be set. This is the one threshold
/// type: <c>keel validate</c>, the pipeline file's <c>thresholds:</c> and a model's
/// <c>performance_thresholds</c> all become these.
/// </summary>
/// <param name="Metric">The metric name, as logged (e.g. <c>accuracy_score</c>).</param>
public sealed record MetricThreshold(string Metric)
{
    /// <summary>
    /// The absolute bound: the candidate must be <c>&gt;= Threshold</c> when greater is better,
    /// <c>&lt;= Threshold</c> otherwise (a floor or a ceiling). Ties pass.
    /// </summary>
    /// <value>Null: no absolute bound.</value>
    public double? Threshold { get; init; }

    /// <summary>
    /// A bound on the other side — a ceiling on a score, a floor on a loss (e.g. an accuracy of at
    /// most 0.999, which catches a leaked target) — checked as a plain bound. Keel's addition:
    /// MLflow's <c>MetricThreshold</c> has none. Ties pass.
    /// </summary>
    /// <value>Null: no opposite bound.</value>
    public double? OppositeBound { get; init; }

    /// <summary>
    /// The minimum improvement over the champion, in metric units; positive. Greater is better:
    /// candidate <c>&gt;= champion + change</c>; otherwise candidate <c>&lt;= champion - change</c>.
    /// </summary>
    /// <value>Null: no absolute-change check.</value>
    public double? MinAbsoluteChange { get; init; }

    /// <summary>
    /// The minimum improvement over the champion as a share of the champion's magnitude, in
    /// [0, 1]. Greater is better: <c>(candidate - champion) / |champion| &gt;= change</c>; lower is
    /// better: <c>(champion - candidate) / |champion| &gt;= change</c>. A champion of exactly 0
    /// falls back to "strictly better by 1e-10", as MLflow does.
    /// </summary>
    /// <value>Null: no relative-change check.</value>
    public double? MinRelativeChange { get; init; }

    /// <summary>
    /// Whether a higher value is better. When null, taken from <see cref="MetricDirections"/>;
    /// a metric that table does not know must set it.
    /// </summary>
    /// <value>Null: from <see cref="MetricDirections"/>.</value>
    public bool? GreaterIsBetter { get; init; }

    /// <summary>Whether this threshold compares against a champion.</summary>
    [JsonIgnore]
    public bool HasChangeThreshold => MinAbsoluteChange is not null || MinRelativeChange is not null;

    /// <summary>
    /// The effective direction: <see cref="GreaterIsBetter"/>, or the built-in one for the metric.
    /// </summary>
    /// <exception cref="KeelException">The metric is unknown and no direction was given.</exception>
    public bool ResolveGreaterIsBetter()
    {
        if (GreaterIsBetter is { } explicitDirection)
        {
            return explicitDirection;
        }

        return MetricDirections.TryGetGreaterIsBetter(Metric, out var known)
            ? known
            : throw KeelException.InvalidParameter(UnknownDirectionMessage(Metric));
    }

    /// <summary>Lists every configuration problem of this threshold (empty when valid).</summary>
    public IReadOnlyList<string> Problems()
    {
        var problems = new List<string>();
        if (string.IsNullOrWhiteSpace(Metric))
        {
            problems.Add("A metric threshold needs a metric name.");
            return problems;
        }

        if (Threshold is null && OppositeBound is null && MinAbsoluteChange is null && MinRelativeChange is null)
        {
            problems.Add($"Threshold for metric '{Metric}': no threshold was specified (set threshold, min_absolute_change or min_relative_change).");
        }

        if (Threshold is { } t && !double.IsFinite(t))
        {
            problems.Add($"Threshold for metric '{Metric}': threshold must be a finite number.");
        }

        if (OppositeBound is { } o && !double.IsFinite(o))
        {
            problems.Add($"Threshold for metric '{Metric}': the opposite bound must be a finite number.");
        }

        if (MinAbsoluteChange is { } abs && !(abs > 0 && double.IsFinite(abs)))
        {
            problems.Add($"Threshold for metric '{Metric}': min_absolute_change must be a positive number, got {Format.Number(abs)}.");
        }

        if (MinRelativeChange is { } rel && !(rel >= 0 && rel <= 1))
        {
            problems.Add($"Threshold for metric '{Metric}': min_relative_change must be between 0 and 1, got {Format.Number(rel)}.");
        }

        if (GreaterIsBetter is null && !MetricDirections.TryGetGreaterIsBetter(Metric, out _))
        {
            problems.Add(UnknownDirectionMessage(Metric));
        }

        return problems;
    }

    /// <summary>
    /// Thresholds from a model's <c>performance_thresholds</c> (the specification's
    /// <c>ModelMetadata</c>): each value is an absolute bound; the direction comes from
    /// <see cref="MetricDirections"/>, and a metric it does not know is read as a floor, as the
    /// specification's <c>validate_model_performance</c> does.
    /// </summary>
    public static IReadOnlyList<MetricThreshold> FromPerformanceThresholds(IReadOnlyDictionary<string, double> thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        var result = new List<MetricThreshold>(thresholds.Count);
        foreach (var (metric, bound) in thresholds.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            var greater = !MetricDirections.TryGetGreaterIsBetter(metric, out var known) || known;
            result.Add(new MetricThreshold(metric) { Threshold = bound, GreaterIsBetter = greater });
        }

        return result;
    }

    private static string UnknownDirectionMessage(string metric) =>
        $"Threshold for metric '{metric}': greater_is_better must be set, because '{metric}' is not a built-in metric (known: {MetricDirections.KnownNames}).";
}
