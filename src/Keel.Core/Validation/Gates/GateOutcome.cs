namespace Keel.Core.Validation.Gates;

/// <summary>The outcome of one gate check.</summary>
public enum GateOutcome
{
    /// <summary>The check passed.</summary>
    Passed,

    /// <summary>The check failed; the gate fails.</summary>
    Failed,

    /// <summary>Worth a look, but the gate still passes (e.g. an extra column).</summary>
    Warning,

    /// <summary>The check could not apply (e.g. no training range) and does not count.</summary>
    Skipped,
}
