using System.Collections.Concurrent;
using Keel.Core.Monitoring;
using Keel.Monitoring.Alerts;
using Keel.Storage.Sqlite;
using Microsoft.Data.Sqlite;

namespace Keel.Monitoring.Tests.Alerts;

/// <summary>A real SQLite monitoring store in a temporary folder, and what the evaluator told the notifiers and action runners.</summary>
internal sealed class AlertRig : IAsyncDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-alerts-").FullName;
    private readonly SqliteTrackingStore _database;

    public AlertRig()
    {
        _database = new SqliteTrackingStore(Path.Combine(_folder, "keel.db"), Path.Combine(_folder, "artifacts"), TimeProvider.System);
        Store = new SqliteMonitoringStore(_database.Database);
    }

    public IMonitoringStore Store { get; }

    /// <summary>Every notification, in order.</summary>
    public ConcurrentQueue<AlertNotification> Notified { get; } = new();

    /// <summary>Every action run, in order.</summary>
    public ConcurrentQueue<(Alert Alert, AlertAction Action)> ActionsRun { get; } = new();

    public AlertEvaluator Evaluator(IMonitoringStore? store = null, bool withActions = false) =>
        new(store ?? Store, [new RecordingNotifier(Notified)], withActions ? new RecordingActionRunner(ActionsRun) : null);

    public async Task<IReadOnlyList<AlertEvent>> HistoryAsync() =>
        (await Store.ListAlertEventsAsync(AlertWindows.Model, null, 1000, null)).Items.Reverse().ToArray();

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Records notifications (the webhook notifier is tested over real HTTP in the server's tests).</summary>
    private sealed class RecordingNotifier(ConcurrentQueue<AlertNotification> into) : IAlertNotifier
    {
        public void Notify(AlertNotification notification) => into.Enqueue(notification);
    }

    /// <summary>
    /// Counts the actions the evaluator asks for and answers like a runner that did them (the
    /// real runner, helper "actions", rolls back and retrains; here what matters is how many times
    /// and when the evaluator calls it).
    /// </summary>
    private sealed class RecordingActionRunner(ConcurrentQueue<(Alert, AlertAction)> into) : IAlertActionRunner
    {
        public Task<AlertActionOutcome> RunAsync(Alert alert, AlertAction action, CancellationToken cancellationToken = default)
        {
            into.Enqueue((alert, action));
            return Task.FromResult(new AlertActionOutcome(action.Kind!, true, $"ran for {alert.Rule}", alert.Deployment));
        }
    }
}
