using Keel.Core.Errors;

namespace Keel.Core.Validation.Gates;

/// <summary>
/// Holds a candidate model's metrics to <see cref="MetricThreshold"/>s, alone or against the
/// current champion (the version holding the named alias, or the one in Production), with
/// MLflow's semantics (mlflow/models/evaluation/validation.py <c>_validate</c>): a missing
/// candidate metric fails; a change threshold without a champion value fails; NaN fails.
/// See docs/validation-gates.md for where Keel departs from MLflow and why.
/// </summary>
public static partial class MetricGate
{
    /// <summary>
    /// The improvement MLflow requires when the champion's value is exactly 0 and a relative
    /// change is set (a relative change of 0 is then meaningless).
    /// </summary>
    public const double ZeroChampionEpsilon = 1e-10;

    /// <summary>Evaluates every threshold; never stops at the first failure.</summary>
    /// <param name="candidate">The candidate's metrics, by name.</param>
    /// <param name="champion">The champion's metrics, or null when there is no champion (then any change threshold fails, as in MLflow).</param>
    /// <param name="thresholds">The thresholds, at most one per metric.</param>
    /// <exception cref="KeelException">A threshold is misconfigured (every problem is listed): no bound set, a bound out of range, an unknown metric without <c>greater_is_better</c>, or a metric named twice.</exception>
    public static MetricGateResult Evaluate(
        IReadOnlyDictionary<string, double> candidate,
        IReadOnlyDictionary<string, double>? champion,
        IReadOnlyList<MetricThreshold> thresholds)
    {
        ArgumentNullException.ThrowIfNull(candidate);
        ArgumentNullException.ThrowIfNull(thresholds);
        Validate(thresholds);

        var results = new List<MetricThresholdResult>(thresholds.Count);
        foreach (var threshold in thresholds)
        {
            results.Add(EvaluateOne(candidate, champion, threshold));
        }

        return new MetricGateResult(results);
    }

    /// <summary>Checks a set of thresholds and throws one exception listing every problem.</summary>
    /// <exception cref="KeelException">At least one threshold is misconfigured.</exception>
    public static void Validate(IReadOnlyList<MetricThreshold> thresholds)
    {
        ArgumentNullException.ThrowIfNull(thresholds);
        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var threshold in thresholds)
        {
            if (threshold is null)
            {
                problems.Add("A metric threshold is null.");
                continue;
            }

            problems.AddRange(threshold.Problems());
            if (!string.IsNullOrWhiteSpace(threshold.Metric) && !seen.Add(threshold.Metric))
            {
                problems.Add($"Metric '{threshold.Metric}' has more than one threshold; combine them into one.");
            }
        }

        if (problems.Count > 0)
        {
            throw KeelException.InvalidParameter("Invalid metric thresholds: " + string.Join(" ", problems));
        }
    }

    private static MetricThresholdResult EvaluateOne(
        IReadOnlyDictionary<string, double> candidate,
        IReadOnlyDictionary<string, double>? champion,
        MetricThreshold threshold)
    {
        var metric = threshold.Metric;
        var greater = threshold.ResolveGreaterIsBetter();
        double? championValue = champion is not null && champion.TryGetValue(metric, out var b) ? b : null;
        if (!candidate.TryGetValue(metric, out var value))
        {
            var missing = new MetricCheckResult(
                MetricCheckKind.Present,
                null,
                false,
                $"Metric validation failed: metric {metric} was missing from the candidate model's metrics.");
            return new MetricThresholdResult(metric, greater, null, championValue, [missing]);
        }

        var checks = new List<MetricCheckResult>(3);
        if (threshold.Threshold is { } bound)
        {
            checks.Add(CheckThreshold(metric, value, bound, greater));
        }

        if (threshold.OppositeBound is { } opposite)
        {
            checks.Add(CheckOpposite(metric, value, opposite, greater));
        }

        if (threshold.MinAbsoluteChange is { } absolute)
        {
            checks.Add(CheckChange(MetricCheckKind.MinAbsoluteChange, metric, value, champion, championValue, absolute, greater));
        }

        if (threshold.MinRelativeChange is { } relative)
        {
            checks.Add(CheckChange(MetricCheckKind.MinRelativeChange, metric, value, champion, championValue, relative, greater));
        }

        return new MetricThresholdResult(metric, greater, value, championValue, checks);
    }

    private static MetricCheckResult CheckThreshold(string metric, double value, double bound, bool greater)
    {
        if (double.IsNaN(value))
        {
            return new(MetricCheckKind.Threshold, bound, false, $"Metric {metric} value threshold check failed: candidate model {metric} is NaN.");
        }

        var passed = greater ? Exact.AtLeast(value, bound) : Exact.AtLeast(bound, value);
        var reason = passed
            ? $"Metric {metric} = {Format.Number(value)} meets threshold {Direction(greater)} {Format.Number(bound)}."
            : $"Metric {metric} value threshold check failed: candidate model {metric} = {Format.Number(value)}, {metric} threshold = {Format.Number(bound)} ({(greater ? "higher" : "lower")} is better).";
        return new(MetricCheckKind.Threshold, bound, passed, reason);
    }

    // A ceiling on a score or a floor on a loss: a plain bound, the comparison reversed.
    private static MetricCheckResult CheckOpposite(string metric, double value, double bound, bool greater)
    {
        var comparison = Direction(!greater);
        if (double.IsNaN(value))
        {
            return new(MetricCheckKind.OppositeBound, bound, false, $"Metric validation failed: metric {metric} was missing from the candidate model's metrics or undefined.");
        }

        var passed = greater ? Exact.AtLeast(bound, value) : Exact.AtLeast(value, bound);
        var reason = passed
            ? $"Metric {metric} = {Format.Number(value)} is within {comparison} {Format.Number(bound)}."
            : $"Metric {metric} = {Format.Number(value)} is {(greater ? "above its ceiling" : "below its floor")} {Format.Number(bound)}.";
        return new(MetricCheckKind.OppositeBound, bound, passed, reason);
    }

    private static string Direction(bool greater) => greater ? ">=" : "<=";
}
