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
            var comparison = result.GreaterIsBetter ? ">=" : "<=";
            foreach (var check in result.Checks)
            {
                checks.Add(new GateCheck(
                    GateNames.Metric,
                    result.Metric,
                    CheckName(check.Kind),
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
