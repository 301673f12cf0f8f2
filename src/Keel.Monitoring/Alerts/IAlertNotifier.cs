using Keel.Core.Monitoring;

namespace Keel.Monitoring.Alerts;

/// <summary>
/// Receives alert changes to tell people about (the webhooks of the spec's
/// <see cref="MonitorSpec.Notifiers"/>). The evaluator calls every registered notifier after a
/// change to firing or resolved was stored; the log is written by the evaluator itself.
/// </summary>
/// <remarks>Must neither block nor throw: the evaluator runs in the monitoring pass. Queue and deliver in the background.</remarks>
public interface IAlertNotifier
{
    /// <summary>Queues <paramref name="notification"/> for delivery.</summary>
    void Notify(AlertNotification notification);
}

/// <summary>One stored alert change to notify.</summary>
/// <param name="Spec">The monitor (its notifiers say where to send).</param>
/// <param name="Alert">The alert as stored after the change.</param>
/// <param name="Event">The change, with its evidence.</param>
/// <param name="Window">The window that caused it.</param>
public sealed record AlertNotification(MonitorSpec Spec, Alert Alert, AlertEvent Event, MonitorWindow Window);
