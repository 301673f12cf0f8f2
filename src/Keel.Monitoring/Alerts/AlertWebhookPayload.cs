using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Json;
using Keel.Core.Monitoring;

namespace Keel.Monitoring.Alerts;

/// <summary>
/// The bodies alert webhooks send: Keel's JSON (<c>format: json</c>, schema version
/// <see cref="SchemaVersion"/>, documented in docs/monitoring.md) or a Slack-compatible message
/// (<c>format: slack</c>: <c>text</c> and <c>blocks</c>). The body is built once per delivery and
/// sent unchanged on every attempt.
/// </summary>
public static partial class AlertWebhookPayload
{
    /// <summary>The JSON payload's schema version; fields are only ever added within a version.</summary>
    public const int SchemaVersion = 1;

    /// <summary>The payload's <c>type</c> and the <see cref="WebhookSignature.EventHeader"/>: <c>alert.firing</c> or <c>alert.resolved</c>.</summary>
    public static string Type(AlertEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        return "alert." + change.To;
    }

    /// <summary>
    /// Keel's JSON payload: <c>schema_version</c>, <c>type</c>, <c>delivery_id</c>, <c>alert</c>
    /// (the alert as the REST API lists it), <c>event</c> (the history event, its evidence as an
    /// object), <c>window</c> (the window that caused the change, with every feature's drift) and
    /// <c>links</c>.
    /// </summary>
    public static byte[] Json(AlertNotification notification, string deliveryId, AlertLinks links)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(links);
        var change = notification.Event;
        var body = new JsonObject
        {
            ["schema_version"] = SchemaVersion,
            ["type"] = Type(change),
            ["delivery_id"] = deliveryId,
            ["alert"] = JsonSerializer.SerializeToNode(notification.Alert, KeelJson.Options),
            ["event"] = Event(change),
            ["window"] = JsonSerializer.SerializeToNode(notification.Window, KeelJson.Options),
            ["links"] = JsonSerializer.SerializeToNode(links, KeelJson.Options),
        };
        return JsonSerializer.SerializeToUtf8Bytes(body, KeelJson.Options);
    }

    /// <summary>The history event as the REST API lists it: evidence as a JSON object.</summary>
    public static JsonObject Event(AlertEvent change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var node = JsonSerializer.SerializeToNode(change with { EvidenceJson = "{}" }, KeelJson.Options)!.AsObject();
        node.Remove("evidence_json");
        node["evidence"] = Evidence(change.EvidenceJson);
        return node;
    }

    private static JsonNode? Evidence(string json)
    {
        try
        {
            return JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return new JsonObject { ["raw"] = json };
        }
    }
}
