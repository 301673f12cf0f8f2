namespace Keel.Core.Monitoring;

/// <summary>
/// Where a model's monitoring stands: its monitor, the latest window of every series and the
/// active (pending or firing) alerts. What <c>GET /api/2.0/keel/monitoring/status</c> answers and
/// <c>keel monitor status</c> prints.
/// </summary>
/// <param name="Model">The registered model.</param>
/// <param name="Monitor">The stored monitor, or the defaults it is monitored with when it has none.</param>
/// <param name="Latest">The latest window of every series (version, deployment, arm), by version, deployment and arm.</param>
/// <param name="Alerts">The active alerts: firing first, then pending, most recently changed first in each.</param>
public sealed record MonitorStatus(string Model, MonitorView Monitor, IReadOnlyList<MonitorWindow> Latest, IReadOnlyList<Alert> Alerts);

/// <summary>A model's monitor as a status shows it.</summary>
/// <param name="Spec">The normalised spec (stored, or <see cref="MonitorSpecValidator.Default"/>).</param>
/// <param name="UpdatedAtMs">When the stored spec was put, Unix ms; null for the defaults.</param>
/// <param name="UpdatedBy">Who put it; null for the defaults.</param>
/// <param name="Default">True when the model has no stored monitor and runs with the defaults (no alert rules).</param>
public sealed record MonitorView(MonitorSpec Spec, long? UpdatedAtMs, string? UpdatedBy, bool Default)
{
    /// <summary>The view of a stored monitor.</summary>
    public static MonitorView Of(StoredMonitor stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return new MonitorView(stored.Spec, stored.UpdatedAtMs, stored.UpdatedBy, false);
    }
}
