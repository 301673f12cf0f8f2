namespace Keel.Core.Validation.Gates;

/// <summary>The outcome of <see cref="MetricGate.Evaluate"/>: one result per threshold.</summary>
/// <param name="Results">In the order the thresholds were given.</param>
public sealed record MetricGateResult(IReadOnlyList<MetricThresholdResult> Results) : IGateResult
{
    /// <inheritdoc />
    public bool Passed => Results.All(r => r.Passed);

    /// <inheritdoc />
    public IReadOnlyList<GateCheck> ToChecks()
    {
        var checks = new List<GateCheck>();
        foreach (var result in Results)
        {
            foreach (var check in result.Checks)
            {
                // The opposite bound is a ceiling on a score or a floor on a loss: reversed comparison.
                var greater = result.GreaterIsBetter ^ (check.Kind == MetricCheckKind.OppositeBound);
                var comparison = greater ? ">=" : "<=";
                checks.Add(new GateCheck(
                    GateNames.Metric,
                    result.Metric,
                    check.Kind == MetricCheckKind.OppositeBound ? (result.GreaterIsBetter ? "max" : "min") : CheckName(check.Kind),
                    result.CandidateValue is { } v ? Format.Number(v) : null,
                    check.Bound is { } b ? $"{comparison} {Format.Number(b)}" : null,
                    check.Passed ? GateOutcome.Passed : GateOutcome.Failed,
                    check.Reason));
            }
        }

        return checks;
    }

    private static string CheckName(MetricCheckKind kind) => kind switch
    {
        MetricCheckKind.Present => "present",
        MetricCheckKind.Threshold => "threshold",
        MetricCheckKind.MinAbsoluteChange => "min_absolute_change",
        MetricCheckKind.MinRelativeChange => "min_relative_change",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown metric check."),
    };
}
