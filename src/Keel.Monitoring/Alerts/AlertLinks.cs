using Keel.Core.Monitoring;

namespace Keel.Monitoring.Alerts;

/// <summary>
/// Where a receiver reads more about an alert: the REST API's monitoring endpoints, absolute when
/// the server knows its public URL (<c>Keel:Monitoring:Alerts:PublicUrl</c>), else paths relative
/// to the server.
/// </summary>
/// <param name="Status">The model's monitoring status.</param>
/// <param name="Alerts">The model's alerts.</param>
/// <param name="History">The model's alert history.</param>
/// <param name="Windows">The series' windows up to the one that caused the change.</param>
public sealed record AlertLinks(string Status, string Alerts, string History, string Windows)
{
    /// <summary>The monitoring API's path.</summary>
    public const string ApiPath = "/api/2.0/keel/monitoring/";

    /// <summary>The links of <paramref name="alert"/>'s change caused by <paramref name="window"/>.</summary>
    public static AlertLinks For(string? baseUrl, Alert alert, MonitorWindow window)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(window);
        var root = (baseUrl ?? "").TrimEnd('/') + ApiPath;
        var model = Uri.EscapeDataString(alert.Model);
        var series = $"model={model}&version={Uri.EscapeDataString(alert.Version)}"
            + (alert.Deployment is null ? "" : $"&deployment={Uri.EscapeDataString(alert.Deployment)}")
            + (alert.Arm is null ? "" : $"&arm={Uri.EscapeDataString(alert.Arm)}");
        return new AlertLinks(
            $"{root}status?model={model}",
            $"{root}alerts/list?model={model}",
            $"{root}alerts/history?model={model}",
            $"{root}windows/list?{series}&to_ms={window.EndMs}");
    }
}
