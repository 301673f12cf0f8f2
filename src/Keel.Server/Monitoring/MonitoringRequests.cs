using Keel.Core.Monitoring;

namespace Keel.Server.Monitoring;

/// <summary>POST monitors/delete: the model whose monitor goes.</summary>
internal sealed record MonitorModelRequest(string? Model);

/// <summary>POST run: the model, and where its windows end (Unix ms; null: now).</summary>
internal sealed record MonitorRunRequest(string? Model, long? WindowEndMs);

internal sealed record MonitorResponse(StoredMonitor Monitor);

internal sealed record MonitorsResponse(IReadOnlyList<StoredMonitor> Monitors, string? NextPageToken);

internal sealed record MonitorWindowsResponse(IReadOnlyList<MonitorWindow> Windows, string? NextPageToken);

internal sealed record AlertsResponse(IReadOnlyList<Alert> Alerts, string? NextPageToken);

internal sealed record AlertEventsResponse(IReadOnlyList<AlertEventView> Events, string? NextPageToken);

internal sealed record MonitorRunResponse(IReadOnlyList<MonitorWindow> Windows, IReadOnlyList<AlertEventView> AlertChanges);
