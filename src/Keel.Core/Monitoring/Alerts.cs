namespace Keel.Core.Monitoring;

/// <summary>The states of an alert.</summary>
public static class AlertStates
{
    /// <summary>The rule breached, but fewer than <see cref="AlertRule.For"/> windows in a row.</summary>
    public const string Pending = "pending";

    /// <summary>The rule breached <see cref="AlertRule.For"/> windows in a row: notified, actions run.</summary>
    public const string Firing = "firing";

    /// <summary>A firing alert cleared <see cref="AlertRule.ClearFor"/> windows in a row (or a pending one cleared).</summary>
    public const string Resolved = "resolved";
}

/// <summary>
/// One alert: a rule of a model's monitor applied to one series of windows (version, deployment,
/// arm). Its <see cref="Key"/> deduplicates: a rule breaching again while firing stays one alert.
/// </summary>
public sealed record Alert
{
    /// <summary>Store id; 0 until stored.</summary>
    public long Id { get; init; }

    /// <summary>The deduplication key: model, rule, version, deployment and arm (see <see cref="MakeKey"/>).</summary>
    public required string Key { get; init; }

    /// <summary>The registered model.</summary>
    public required string Model { get; init; }

    /// <summary>The rule's name.</summary>
    public required string Rule { get; init; }

    /// <summary>The rule's kind (<see cref="AlertRuleKinds"/>).</summary>
    public required string Kind { get; init; }

    /// <summary>The rule's severity.</summary>
    public required string Severity { get; init; }

    /// <summary>The version whose windows breached.</summary>
    public required string Version { get; init; }

    /// <summary>The deployment; null outside one.</summary>
    public string? Deployment { get; init; }

    /// <summary>The arm; null outside a deployment.</summary>
    public string? Arm { get; init; }

    /// <summary>One of <see cref="AlertStates"/>.</summary>
    public required string State { get; init; }

    /// <summary>Consecutive breaching windows so far (0 once clear).</summary>
    public int Breaches { get; init; }

    /// <summary>Consecutive clear windows so far (0 while breaching).</summary>
    public int Clears { get; init; }

    /// <summary>The value the last window gave.</summary>
    public double? Value { get; init; }

    /// <summary>What the last evaluation said, for people.</summary>
    public string? Message { get; init; }

    /// <summary>When the alert entered <see cref="State"/>, Unix ms.</summary>
    public long SinceMs { get; init; }

    /// <summary>When it first fired (null: never), Unix ms.</summary>
    public long? FiredAtMs { get; init; }

    /// <summary>End of the last window evaluated, Unix ms (a window is evaluated once).</summary>
    public long LastWindowEndMs { get; init; }

    /// <summary>Optimistic-concurrency revision; 0 for an alert not stored yet.</summary>
    public long Revision { get; init; }

    /// <summary>The deduplication key of a rule on one series of windows.</summary>
    public static string MakeKey(string model, string rule, string version, string? deployment, string? arm) =>
        string.Join('\u001f', model, rule, version, deployment ?? "", arm ?? "");
}

/// <summary>One change of an alert, kept as its history (and what notifiers are sent).</summary>
/// <param name="Id">Store id; 0 until stored.</param>
/// <param name="AlertId">The alert.</param>
/// <param name="Model">The registered model.</param>
/// <param name="Rule">The rule.</param>
/// <param name="From">The state before (null for a new alert).</param>
/// <param name="To">The state after.</param>
/// <param name="AtMs">When, Unix ms.</param>
/// <param name="Value">The value that caused it.</param>
/// <param name="Message">What happened, for people.</param>
/// <param name="EvidenceJson">The window(s) and threshold behind it, and the actions taken with their outcome: a JSON object.</param>
public sealed record AlertEvent(long Id, long AlertId, string Model, string Rule, string? From, string To, long AtMs, double? Value, string? Message, string EvidenceJson);
