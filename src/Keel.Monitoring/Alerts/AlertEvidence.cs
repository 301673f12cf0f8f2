using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Json;
using Keel.Core.Monitoring;

namespace Keel.Monitoring.Alerts;

/// <summary>
/// The evidence JSON of an alert event: the rule, the reading, the counts and the window behind
/// the change (without its per-feature list, which can be long: <c>drifted_features</c> names the
/// drifted ones), and the outcomes of the actions a move to firing ran.
/// </summary>
/// <remarks>
/// <code>
/// {"rule": {AlertRule}, "value": 0.42, "verdict": "breach", "threshold": 0.3, "clear_threshold": 0.2,
///  "higher_is_worse": true, "breaches": 3, "clears": 0,
///  "window": {MonitorWindow without "features"}, "drifted_features": ["income", "amount"],
///  "actions": [{"kind": "rollback_deployment", "succeeded": true, "message": "...", "reference": "..."}]}
/// </code>
/// </remarks>
public static class AlertEvidence
{
    /// <summary>Builds the evidence object of a change.</summary>
    public static JsonObject Build(AlertRule rule, MonitorWindow window, AlertReading reading, Alert next, IReadOnlyList<AlertActionOutcome>? actions = null)
    {
        ArgumentNullException.ThrowIfNull(rule);
        ArgumentNullException.ThrowIfNull(window);
        ArgumentNullException.ThrowIfNull(reading);
        ArgumentNullException.ThrowIfNull(next);
        var evidence = new JsonObject
        {
            ["rule"] = JsonSerializer.SerializeToNode(rule, KeelJson.Options),
            ["value"] = reading.Value,
            ["verdict"] = reading.Verdict switch { AlertVerdict.Breach => "breach", AlertVerdict.Clear => "clear", _ => "hold" },
            ["threshold"] = reading.Threshold,
            ["clear_threshold"] = reading.ClearThreshold,
            ["higher_is_worse"] = reading.HigherIsWorse,
            ["breaches"] = next.Breaches,
            ["clears"] = next.Clears,
            ["window"] = WindowSummary(window),
            ["drifted_features"] = new JsonArray([.. window.Features.Where(f => f.Drifted).Select(f => (JsonNode?)JsonValue.Create(f.Feature))]),
        };
        if (actions is not null)
        {
            evidence["actions"] = JsonSerializer.SerializeToNode(actions, KeelJson.Options);
        }

        return evidence;
    }

    /// <summary>The window as the REST API writes it, without <c>features</c>.</summary>
    public static JsonObject WindowSummary(MonitorWindow window)
    {
        ArgumentNullException.ThrowIfNull(window);
        var node = JsonSerializer.SerializeToNode(window with { Features = [] }, KeelJson.Options)!.AsObject();
        node.Remove("features");
        return node;
    }

    /// <summary>The evidence as stored (compact JSON).</summary>
    public static string ToJson(JsonObject evidence) => evidence.ToJsonString(KeelJson.Options);
}
