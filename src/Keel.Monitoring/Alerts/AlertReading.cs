namespace Keel.Monitoring.Alerts;

/// <summary>What one window says about one rule.</summary>
public enum AlertVerdict
{
    /// <summary>The value is past the rule's threshold: the window counts towards firing.</summary>
    Breach,

    /// <summary>The value is back past the clear threshold: the window counts towards resolving.</summary>
    Clear,

    /// <summary>
    /// The value is between the threshold and the clear threshold (the hysteresis band): a firing
    /// alert stays firing but its run of clear windows restarts; any other alert does not breach.
    /// </summary>
    Hold,
}

/// <summary>A rule's value in one window and the verdict on it.</summary>
/// <param name="Value">The rule's value (a share, a metric, a drop, milliseconds, requests; see <see cref="AlertRuleReadings"/>).</param>
/// <param name="Verdict">Breach, clear or hold.</param>
/// <param name="Threshold">The breach threshold applied.</param>
/// <param name="ClearThreshold">The clear threshold applied (the threshold when the rule has none).</param>
/// <param name="HigherIsWorse">Whether larger values are worse (false for a metric where higher is better, and for traffic).</param>
/// <param name="Message">What the window showed, for people.</param>
public sealed record AlertReading(double Value, AlertVerdict Verdict, double Threshold, double ClearThreshold, bool HigherIsWorse, string Message);
