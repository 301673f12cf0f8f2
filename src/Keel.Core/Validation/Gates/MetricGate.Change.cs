namespace Keel.Core.Validation.Gates;

public static partial class MetricGate
{
    private static MetricCheckResult CheckChange(
        MetricCheckKind kind,
        string metric,
        double value,
        IReadOnlyDictionary<string, double>? champion,
        double? championValue,
        double required,
        bool greater)
    {
        var label = kind == MetricCheckKind.MinAbsoluteChange ? "minimum absolute change" : "minimum relative change";
        if (championValue is not { } baseline)
        {
            var why = champion is null
                ? $"Model comparison failed: metric {metric} has a {label} threshold, but there is no champion to compare with."
                : $"Model comparison failed: metric {metric} was missing from the champion model's metrics.";
            return new(kind, null, false, why);
        }

        if (double.IsNaN(baseline) || double.IsNaN(value))
        {
            var which = double.IsNaN(value) ? "candidate" : "champion";
            return new(kind, null, false, $"Metric {metric} {label} check failed: {which} model {metric} is NaN.");
        }

        double bound;
        bool passed;
        if (kind == MetricCheckKind.MinAbsoluteChange)
        {
            bound = greater ? baseline + required : baseline - required;
            passed = Exact.ImprovesBy(value, baseline, greater, required);
        }
        else if (baseline == 0)
        {
            // MLflow: a relative change of a zero baseline is undefined; require strictly better.
            bound = greater ? ZeroChampionEpsilon : -ZeroChampionEpsilon;
            passed = Exact.ImprovesBy(value, baseline, greater, ZeroChampionEpsilon);
        }
        else
        {
            var step = required * Math.Abs(baseline);
            bound = greater ? baseline + step : baseline - step;
            passed = Exact.ImprovesRelatively(value, baseline, greater, required);
        }

        var reason = passed
            ? $"Metric {metric} = {Format.Number(value)} meets the {label} of {Format.Number(required)} over champion {Format.Number(baseline)}."
            : $"Metric {metric} {label} check failed: candidate model {metric} = {Format.Number(value)}, champion model {metric} = {Format.Number(baseline)}, {metric} {label} threshold = {Format.Number(required)}"
              + (kind == MetricCheckKind.MinRelativeChange && baseline == 0
                  ? " (champion is 0: the candidate must be strictly better)."
                  : $" (needed {Direction(greater)} {Format.Number(bound)}).");
        return new(kind, bound, passed, reason);
    }
}
