using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Keel.Core.Json;
using Keel.Core.Monitoring;

namespace Keel.Monitoring.Alerts;

// The Slack-compatible body (incoming webhooks: https://api.slack.com/messaging/webhooks).
public static partial class AlertWebhookPayload
{
    /// <summary>Slack's limit on a header block's text.</summary>
    private const int HeaderLimit = 150;

    /// <summary>Slack's limit on a section's text.</summary>
    private const int SectionLimit = 3000;

    /// <summary>
    /// A Slack-compatible message: <c>text</c> (the one-line summary notifications show) and
    /// <c>blocks</c> (a header, a section with the alert's details, a context with the links).
    /// </summary>
    public static byte[] Slack(AlertNotification notification, AlertLinks links)
    {
        ArgumentNullException.ThrowIfNull(notification);
        ArgumentNullException.ThrowIfNull(links);
        var alert = notification.Alert;
        var firing = notification.Event.To == AlertStates.Firing;
        var title = $"{(firing ? "[FIRING]" : "[RESOLVED]")} {alert.Model}: {alert.Rule}";
        var where = $"version {alert.Version}" + (alert.Deployment is null ? "" : $", deployment {alert.Deployment}") + (alert.Arm is null ? "" : $", arm {alert.Arm}");
        var text = $"{(firing ? ":rotating_light:" : ":white_check_mark:")} {title} ({alert.Kind}, {alert.Severity}) on {where}: {alert.Message}";
        var details = new StringBuilder()
            .Append("*Model:* ").Append(Escape(alert.Model)).Append('\n')
            .Append("*Rule:* ").Append(Escape(alert.Rule)).Append(" (").Append(Escape(alert.Kind)).Append(", ").Append(Escape(alert.Severity)).Append(")\n")
            .Append("*Where:* ").Append(Escape(where)).Append('\n')
            .Append("*What:* ").Append(Escape(alert.Message ?? "")).Append('\n')
            .Append("*Window:* <!date^").Append(notification.Window.StartMs / 1000).Append("^{date_short_pretty} {time}|").Append(notification.Window.StartMs).Append("> to <!date^")
            .Append(notification.Window.EndMs / 1000).Append("^{time}|").Append(notification.Window.EndMs).Append(">, ").Append(notification.Window.Requests).Append(" requests");
        var body = new JsonObject
        {
            ["text"] = Escape(text),
            ["blocks"] = new JsonArray(
                new JsonObject { ["type"] = "header", ["text"] = new JsonObject { ["type"] = "plain_text", ["text"] = Cut(title, HeaderLimit) } },
                new JsonObject { ["type"] = "section", ["text"] = new JsonObject { ["type"] = "mrkdwn", ["text"] = Cut(details.ToString(), SectionLimit) } },
                new JsonObject
                {
                    ["type"] = "context",
                    ["elements"] = new JsonArray(new JsonObject
                    {
                        ["type"] = "mrkdwn",
                        ["text"] = Cut($"{Link(links.Status, "status")} · {Link(links.History, "history")} · {Link(links.Windows, "windows")}", SectionLimit),
                    }),
                }),
        };
        return JsonSerializer.SerializeToUtf8Bytes(body, KeelJson.Options);
    }

    /// <summary>Slack's mrkdwn escaping: &amp;, &lt; and &gt; only.</summary>
    internal static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Link(string url, string label) =>
        Uri.TryCreate(url, UriKind.Absolute, out _) ? $"<{url}|{label}>" : $"{label}: `{Escape(url)}`";

    private static string Cut(string text, int limit) => text.Length <= limit ? text : string.Concat(text.AsSpan(0, limit - 1), "…");
}
