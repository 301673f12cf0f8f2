namespace Keel.Core.Monitoring;

/// <summary>
/// Runs a model's monitor now: one window per series (version, deployment, arm) of the prediction
/// log ending now, stored, then its alert rules evaluated. The scheduler calls it on the schedule
/// and every N predictions; <c>POST /api/2.0/keel/monitoring/run</c> and <c>keel monitor run</c> call it on demand.
/// </summary>
public interface IMonitorRunner
{
    /// <summary>Runs the monitor of <paramref name="model"/> (its stored spec, or the defaults).</summary>
    /// <param name="model">The registered model.</param>
    /// <param name="windowEndMs">End of the windows (exclusive, Unix ms); null: now.</param>
    /// <param name="cancellationToken">Stops the pass.</param>
    /// <returns>The windows stored, and the alert changes the pass caused.</returns>
    /// <exception cref="Errors.KeelException">RESOURCE_DOES_NOT_EXIST for an unknown model.</exception>
    Task<MonitorRunResult> RunAsync(string model, long? windowEndMs = null, CancellationToken cancellationToken = default);
}

/// <summary>What one run stored and changed.</summary>
/// <param name="Windows">The windows stored.</param>
/// <param name="AlertChanges">The alert changes (empty when nothing changed state).</param>
public sealed record MonitorRunResult(IReadOnlyList<MonitorWindow> Windows, IReadOnlyList<AlertEvent> AlertChanges);

/// <summary>
/// Evaluates a monitor's alert rules after windows were stored: moves each alert through pending,
/// firing and resolved with its hysteresis, stores the change and its history, notifies, and runs
/// the rule's actions when it fires.
/// </summary>
public interface IAlertEvaluator
{
    /// <summary>Evaluates <paramref name="spec"/>'s rules on the newly stored <paramref name="windows"/>.</summary>
    /// <returns>The alert changes, in order.</returns>
    Task<IReadOnlyList<AlertEvent>> EvaluateAsync(MonitorSpec spec, IReadOnlyList<MonitorWindow> windows, CancellationToken cancellationToken = default);
}
