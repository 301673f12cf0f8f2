namespace Keel.Core.Validation.Gates;

/// <summary>
/// One row of a gate report: what was checked, the value found, the bound it was held to, the
/// outcome and why. Values and bounds are invariant text, so metric values, shares and column
/// types fit the same row.
/// </summary>
/// <param name="Gate">The gate: <c>metric</c>, <c>schema</c> or <c>quality</c>.</param>
/// <param name="Subject">The metric or column checked; null for a data-set-wide check.</param>
/// <param name="Check">The check, e.g. <c>threshold</c>, <c>type</c>, <c>missing_share</c>.</param>
/// <param name="Value">The value found, or null when there is none (e.g. a missing metric).</param>
/// <param name="Bound">The bound, with its comparison (e.g. <c>&gt;= 0.8</c>), or null.</param>
/// <param name="Outcome">Passed, failed, warning or skipped.</param>
/// <param name="Reason">A sentence a person can act on.</param>
public sealed record GateCheck(
    string Gate,
    string? Subject,
    string Check,
    string? Value,
    string? Bound,
    GateOutcome Outcome,
    string Reason);

/// <summary>What every gate's result offers to a <see cref="GateReport"/>.</summary>
public interface IGateResult
{
    /// <summary>True unless a check failed.</summary>
    bool Passed { get; }

    /// <summary>The result as report rows, in a stable order.</summary>
    IReadOnlyList<GateCheck> ToChecks();
}

/// <summary>Names of the gates and checks, as they appear in reports.</summary>
public static class GateNames
{
    /// <summary>The metric-threshold gate.</summary>
    public const string Metric = "metric";

    /// <summary>The schema gate.</summary>
    public const string Schema = "schema";

    /// <summary>The data-quality gate.</summary>
    public const string Quality = "quality";
}
