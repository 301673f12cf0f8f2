using Keel.Core.Monitoring;

namespace Keel.Monitoring.Tests.Summaries;

/// <summary>Three stored-looking windows with known drift and performance, and two alert events.</summary>
internal static class SummaryWindows
{
    public const long Minute = 60_000;

    public static MonitorWindow Window(int i, long requests, double share, bool aDrifted, bool bDrifted, double? value, long labelled, double estimated, long estimatedRows, string a = "a") => new()
    {
        Model = "m",
        Version = "1",
        StartMs = i * Minute,
        EndMs = (i + 1) * Minute,
        Requests = requests,
        InputRows = requests,
        DriftedShare = share,
        DatasetDrift = share >= 0.5,
        Features =
        [
            new FeatureDrift(a, "input", "ks", aDrifted ? 0.4 : 0.1, aDrifted ? 0.001 : 0.5, 0.05, aDrifted),
            new FeatureDrift("b", "input", "chisquare", bDrifted ? 30 : 2, bDrifted ? 0.0001 : 0.7, 0.05, bDrifted),
        ],
        Quality = new WindowQuality(true, 0, 0, 0, []),
        Performance = new WindowPerformance("accuracy", true, value, labelled, estimated, estimatedRows, 0.9),
    };

    public static List<MonitorWindow> Three(string a = "a") =>
    [
        Window(0, 100, 0.0, false, false, 0.9, 50, 0.88, 100, a),
        Window(1, 200, 0.5, true, false, 0.8, 100, 0.82, 200, a),
        Window(2, 300, 1.0, true, true, null, 0, 0.7, 300, a),
    ];

    public static List<AlertEvent> Events(string message = "drifted share 1 over 0.5") =>
    [
        new AlertEvent(2, 7, "m", "drift", AlertStates.Pending, AlertStates.Firing, 3 * Minute, 1.0, message, "{}"),
        new AlertEvent(1, 7, "m", "drift", null, AlertStates.Pending, 2 * Minute, 0.5, "pending", "{}"),
    ];

    public static Alert Firing(string message = "drifted share 1 over 0.5") => new()
    {
        Key = Alert.MakeKey("m", "drift", "1", null, null),
        Model = "m",
        Rule = "drift",
        Kind = AlertRuleKinds.DriftedShare,
        Severity = "critical",
        Version = "1",
        State = AlertStates.Firing,
        Value = 1.0,
        Message = message,
        SinceMs = 3 * Minute,
        FiredAtMs = 3 * Minute,
        LastWindowEndMs = 3 * Minute,
    };
}
