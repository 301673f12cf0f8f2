using Keel.Core.Monitoring;

namespace Keel.Monitoring.Tests.Alerts;

/// <summary>Windows and rules for the alert tests.</summary>
internal static class AlertWindows
{
    public const string Model = "credit";

    /// <summary>A normalised rule (through the validator, as the store keeps it).</summary>
    public static AlertRule Rule(string kind, double? threshold, double? clear = null, int? @for = null, int? clearFor = null, string name = "r") =>
        MonitorSpecValidator.Normalize(new MonitorSpec
        {
            Model = Model,
            Rules = [new AlertRule { Name = name, Kind = kind, Threshold = threshold, ClearThreshold = clear, For = @for, ClearFor = clearFor }],
        }).Rules![0];

    /// <summary>The <paramref name="index"/>-th 5-minute window of version 1.</summary>
    public static MonitorWindow Window(int index, double? driftedShare = null, long requests = 100, string version = "1", string? deployment = null, string? arm = null) => new()
    {
        Model = Model,
        Version = version,
        Deployment = deployment,
        Arm = arm,
        StartMs = 1_700_000_000_000 + (index * 300_000L),
        EndMs = 1_700_000_000_000 + ((index + 1) * 300_000L),
        Requests = requests,
        DriftedShare = driftedShare,
    };
}
