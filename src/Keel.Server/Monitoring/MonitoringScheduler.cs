using Keel.Core.Monitoring;
using Keel.Core.Storage;

namespace Keel.Server.Monitoring;

/// <summary>
/// Runs every monitored model's monitor on its schedule (<see cref="MonitorSpec.IntervalSeconds"/>)
/// and once <see cref="MonitorSpec.EveryPredictions"/> new predictions were logged for it. Runs in
/// every server and acts only while it holds the store lease <c>monitoring-scheduler</c>, so with
/// several servers on one store exactly one runs the passes. Monitored models are the stored
/// monitors (enabled ones) and, with the default spec, every model with traffic and no monitor:
/// the served models, the deployments' models and the models this server logged predictions for.
/// Like the deployment controller it writes nothing to an idle store: the lease is taken only when
/// there is a model to monitor, and renewed once half of it has run out.
/// </summary>
public sealed partial class MonitoringScheduler : BackgroundService
{
    private readonly IMonitorRunner _runner;
    private readonly IMonitoringStore _store;
    private readonly ILeaseStore _leases;
    private readonly IServiceProvider _services;
    private readonly PredictionTrafficCounter _counter;
    private readonly MonitoringSchedulerOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MonitoringScheduler> _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly Dictionary<string, Scheduled> _models = new(StringComparer.Ordinal);
    private long _refreshedAtMs = long.MinValue;
    private long _prunedAtMs = long.MinValue;
    private bool _holding;
    private long _leaseExpiresAt;
    private long _passes;
    private readonly MonitoringPassThread _passThread;

    /// <summary>Creates the scheduler; the host starts it.</summary>
    public MonitoringScheduler(
        IMonitorRunner runner,
        IMonitoringStore store,
        ILeaseStore leases,
        IServiceProvider services,
        PredictionTrafficCounter counter,
        MonitoringSchedulerOptions options,
        TimeProvider time,
        ILogger<MonitoringScheduler> logger)
    {
        _runner = runner;
        _store = store;
        _leases = leases;
        _services = services;
        _counter = counter;
        _options = options;
        _time = time;
        _logger = logger;
        _passThread = new MonitoringPassThread(options.PassPriority);
    }

    /// <summary>Who this scheduler is in the lease: host, process id and a random part.</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>Whether this scheduler held the lease at its last tick.</summary>
    public bool IsLeader => _holding;

    /// <summary>Monitor passes this scheduler ran (successful or not).</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Runs until the host stops; gives the lease up on the way out so another server takes over at once.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await Task.Yield();
        _counter.ThresholdReached += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    MonitoringLog.TickFailed(_logger, e);
                }

                await WaitAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        finally
        {
            _counter.ThresholdReached -= Wake;
            if (_holding)
            {
                _holding = false;
                await _leases.ReleaseLeaseAsync(MonitoringSchedulerOptions.LeaseName, Holder, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// One pass: reads the monitored models again when due, keeps (or takes) the lease when there is
    /// one, then runs every monitor that is due by its interval or its prediction count.
    /// </summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now - _refreshedAtMs >= (long)_options.RefreshEvery.TotalMilliseconds || _refreshedAtMs == long.MinValue)
        {
            await RefreshAsync(now, cancellationToken).ConfigureAwait(false);
        }

        if (_models.Count == 0)
        {
            if (_holding)
            {
                // Nothing left to monitor: give the lease up rather than renew it for nothing.
                _holding = false;
                await _leases.ReleaseLeaseAsync(MonitoringSchedulerOptions.LeaseName, Holder, cancellationToken).ConfigureAwait(false);
            }

            return; // Nothing to monitor: no lease write.
        }

        if (!await HoldLeaseAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        var stored = false;
        foreach (var (model, scheduled) in _models)
        {
            var byTime = now >= scheduled.NextDueMs;
            var counted = _counter.Peek(model);
            var byCount = scheduled.Spec.EveryPredictions is { } every && counted >= every;
            if (!byTime && !byCount)
            {
                continue;
            }

            if (byTime)
            {
                scheduled.NextDueMs = now + (scheduled.Spec.IntervalSeconds!.Value * 1000L);
            }

            stored |= await RunOneAsync(model, now, cancellationToken).ConfigureAwait(false);
            _counter.Take(model, counted);
        }

        if (stored)
        {
            await PruneAsync(now, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<bool> RunOneAsync(string model, long now, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _passes);
        try
        {
            var started = _time.GetTimestamp();
            var result = await _passThread.RunAsync(() => _runner.RunAsync(model, now, cancellationToken)).ConfigureAwait(false);
            MonitoringLog.PassTook(_logger, model, result.Windows.Sum(w => w.Requests), result.Windows.Count, _time.GetElapsedTime(started).TotalMilliseconds);
            return result.Windows.Count > 0;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            MonitoringLog.RunFailed(_logger, model, e);
            return false;
        }
    }

    /// <summary>Deletes windows older than the retention, at most once an hour (and only after a pass stored some).</summary>
    private async Task PruneAsync(long now, CancellationToken cancellationToken)
    {
        if (_prunedAtMs != long.MinValue && now - _prunedAtMs < 3_600_000)
        {
            return;
        }

        _prunedAtMs = now;
        var before = now - (long)_options.WindowRetention.TotalMilliseconds;
        var deleted = await _store.DeleteWindowsBeforeAsync(before, cancellationToken).ConfigureAwait(false);
        if (deleted > 0)
        {
            MonitoringLog.WindowsPruned(_logger, deleted, before);
        }
    }

    private async Task WaitAsync(CancellationToken stoppingToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        var delay = Task.Delay(_options.Tick, _time, stop.Token);
        var wake = _wake.WaitAsync(stop.Token);
        await Task.WhenAny(delay, wake).ConfigureAwait(false);
        await stop.CancelAsync().ConfigureAwait(false);
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
        catch (ObjectDisposedException)
        {
            // Stopped.
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _wake.Dispose();
        _passThread.Dispose();
        base.Dispose();
    }

    /// <summary>A monitored model: its spec and when its next scheduled pass is due.</summary>
    private sealed class Scheduled(MonitorSpec spec, long nextDueMs)
    {
        public MonitorSpec Spec { get; set; } = spec;

        public long NextDueMs { get; set; } = nextDueMs;
    }
}
