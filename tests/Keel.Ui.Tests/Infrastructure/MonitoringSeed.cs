using Keel.Core.Monitoring;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Ui.Tests.Infrastructure;

/// <summary>
/// Monitoring results for the monitoring page, written into the server's real SQLite monitoring store
/// (<see cref="IMonitoringStore"/>): the windows and alerts a monitoring pass and the alert evaluator
/// would write, with known values to find again on the page.
/// </summary>
public sealed class MonitoringSeed(KeelUiServer server, string model)
{
    public const long Hour = 3_600_000;

    private IMonitoringStore Store => server.Services.GetRequiredService<IMonitoringStore>();

    public string Model => model;

    /// <summary>The end of the latest window: the last full hour (the page shows the last 7 days by default).</summary>
    public long LastEnd { get; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / Hour * Hour;

    /// <summary>
    /// <paramref name="count"/> hourly windows of one series, oldest first, ending <paramref name="endsBefore"/> hours before <see cref="LastEnd"/>.
    /// Feature i of window w: score <c>scores[feature][w]</c>; drifted when the score is at least 0.3 (tests: p = 0.001 then).
    /// </summary>
    public async Task<IReadOnlyList<MonitorWindow>> WindowsAsync(string version, string? deployment, string? arm, int count, IReadOnlyDictionary<string, double[]> scores,
        string predictionColumn = "prediction", int endsBefore = 0, double[]? accuracy = null, double[]? estimated = null)
    {
        var windows = new List<MonitorWindow>();
        for (var w = 0; w < count; w++)
        {
            var end = LastEnd - ((count - 1 - w + endsBefore) * Hour);
            var features = scores.Select(s => Feature(s.Key, "input", s.Value[w], distance: s.Key.StartsWith("psi:", StringComparison.Ordinal))).ToList();
            features.Add(new FeatureDrift(predictionColumn, "prediction", "chisquare", 0.05 * w, Math.Max(0.0001, 0.9 - (0.2 * w)), 0.05, 0.9 - (0.2 * w) < 0.05));
            var drifted = features.Count(f => f.Drifted && f.Kind == "input");
            windows.Add(new MonitorWindow
            {
                Model = model,
                Version = version,
                Deployment = deployment,
                Arm = arm,
                StartMs = end - Hour,
                EndMs = end,
                ComputedAtMs = end + 60_000,
                Requests = 400 + (10 * w),
                Errors = w % 3,
                LatencyP50Us = 800 + w,
                LatencyP99Us = 2400 + (100 * w),
                InputRows = 400 + (10 * w),
                ReferenceSource = "training",
                DriftedShare = (double)drifted / scores.Count,
                DatasetDrift = drifted * 2 >= scores.Count,
                Features = features,
                Quality = new WindowQuality(w < count - 1, 0.01, w < count - 1 ? 0.0 : 0.12, 0.0, w < count - 1 ? [] : [$"{scores.Keys.First()}: 12% of values outside the training range"]),
                Performance = accuracy is null ? null : new WindowPerformance("accuracy", true, accuracy[w], 100 + w, estimated?[w], 400 + (10 * w), 0.92),
            });
        }

        return await Store.PutWindowsAsync(windows);
    }

    private static FeatureDrift Feature(string name, string kind, double score, bool distance)
    {
        var feature = distance ? name["psi:".Length..] : name;
        return distance
            ? new FeatureDrift(feature, kind, "psi", score, null, 0.2, score >= 0.2)
            : new FeatureDrift(feature, kind, "ks", score, score >= 0.3 ? 0.001 : 0.5, 0.05, score >= 0.3);
    }

    /// <summary>Stores an alert that went through <paramref name="states"/> (e.g. pending, firing), one history event per change, an hour apart.</summary>
    public async Task<Alert> AlertAsync(string rule, string kind, string severity, string version, string? deployment, string? arm, double value, string message, params string[] states)
    {
        Alert? alert = null;
        string? from = null;
        var at = LastEnd - (states.Length * Hour);
        foreach (var state in states)
        {
            at += Hour;
            var next = new Alert
            {
                Id = alert?.Id ?? 0,
                Key = Alert.MakeKey(model, rule, version, deployment, arm),
                Model = model,
                Rule = rule,
                Kind = kind,
                Severity = severity,
                Version = version,
                Deployment = deployment,
                Arm = arm,
                State = state,
                Breaches = state == AlertStates.Resolved ? 0 : 2,
                Value = value,
                Message = message,
                SinceMs = at,
                FiredAtMs = state == AlertStates.Firing ? at : alert?.FiredAtMs,
                LastWindowEndMs = at,
            };
            var evidence = $$"""{"window_end_ms": {{at}}, "threshold": 0.3, "value": {{value.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "message": {{System.Text.Json.JsonSerializer.Serialize(message)}}}""";
            alert = await Store.TryPutAlertAsync(next, alert?.Revision ?? 0, new AlertEvent(0, alert?.Id ?? 0, model, rule, from, state, at, value, message, evidence))
                ?? throw new InvalidOperationException("alert revision conflict");
            from = state;
        }

        return alert!;
    }
}
