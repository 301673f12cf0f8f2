namespace Keel.Core.Validation.Gates;

/// <summary>The checks a <see cref="MetricThreshold"/> can run.</summary>
public enum MetricCheckKind
{
    /// <summary>The candidate reported the metric (it fails only when missing).</summary>
    Present,

    /// <summary>The absolute bound, <see cref="MetricThreshold.Threshold"/>.</summary>
    Threshold,

    /// <summary>The bound on the other side, <see cref="MetricThreshold.OppositeBound"/> (a ceiling on a score, a floor on a loss).</summary>
    OppositeBound,

    /// <summary>The improvement over the champion, <see cref="MetricThreshold.MinAbsoluteChange"/>.</summary>
    MinAbsoluteChange,

    /// <summary>The relative improvement, <see cref="MetricThreshold.MinRelativeChange"/>.</summary>
    MinRelativeChange,
}

/// <summary>The outcome of one check of one metric threshold.</summary>
/// <param name="Kind">Which check.</param>
/// <param name="Bound">The value the candidate had to reach (at least or at most, by direction); null when it could not be computed.</param>
/// <param name="Passed">Whether the check passed.</param>
/// <param name="Reason">Why, in a sentence.</param>
public sealed record MetricCheckResult(MetricCheckKind Kind, double? Bound, bool Passed, string Reason);

/// <summary>The outcome of one <see cref="MetricThreshold"/>.</summary>
/// <param name="Metric">The metric name.</param>
/// <param name="GreaterIsBetter">The direction used.</param>
/// <param name="CandidateValue">The candidate's value; null when missing.</param>
/// <param name="ChampionValue">The champion's value; null when there is no champion or it lacks the metric.</param>
/// <param name="Checks">Each configured check, in the order threshold, opposite bound, absolute, relative (or one <see cref="MetricCheckKind.Present"/> check when the candidate lacks the metric).</param>
public sealed record MetricThresholdResult(
    string Metric,
    bool GreaterIsBetter,
    double? CandidateValue,
    double? ChampionValue,
    IReadOnlyList<MetricCheckResult> Checks)
{
    /// <summary>True when every check passed.</summary>
    public bool Passed => Checks.All(c => c.Passed);

    /// <summary>The failing checks' reasons, or a pass sentence.</summary>
    public string Reason => Passed
        ? $"Metric {Metric} passed the validation."
        : string.Join(" ", Checks.Where(c => !c.Passed).Select(c => c.Reason));
}
