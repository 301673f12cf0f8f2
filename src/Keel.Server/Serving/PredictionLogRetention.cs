using Keel.Core.Predictions;

namespace Keel.Server.Serving;

/// <summary>
/// Applies the prediction log's retention (<see cref="PredictionLogOptions.MaxAge"/> and
/// <see cref="PredictionLogOptions.MaxBytes"/>) in the background: once at start-up, then every
/// <see cref="PredictionLogOptions.PruneInterval"/> on the injected clock. The store deletes in
/// short batches, so the log's writer and other writes interleave with a long prune. A failing
/// prune is logged and retried at the next tick; it never stops the host.
/// </summary>
public sealed partial class PredictionLogRetention(IPredictionStore store, PredictionLogOptions options, TimeProvider time, ILogger<PredictionLogRetention> logger) : BackgroundService
{
    private long _pruned;
    private long _passes;

    /// <summary>Records deleted so far.</summary>
    public long Pruned => Interlocked.Read(ref _pruned);

    /// <summary>Pruning passes finished so far (successful or not).</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>Runs one pass now: deletes what the retention no longer keeps.</summary>
    public async Task<PredictionPruneResult?> PruneOnceAsync(CancellationToken cancellationToken = default)
    {
        var retention = options.Retention();
        try
        {
            if (retention.IsUnlimited)
            {
                return null;
            }

            var result = await store.PruneAsync(retention, time.GetUtcNow().ToUnixTimeMilliseconds(), cancellationToken).ConfigureAwait(false);
            var deleted = result.ByAge + result.BySize;
            Interlocked.Add(ref _pruned, deleted);
            if (deleted > 0)
            {
                LogPruned(logger, result.ByAge, result.BySize, result.Feedback, result.EstimatedBytes / (1024 * 1024));
            }

            return result;
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogPruneFailed(logger, e);
            return null;
        }
        finally
        {
            Interlocked.Increment(ref _passes);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Retention().IsUnlimited)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.PruneInterval, time);
        try
        {
            do
            {
                await PruneOnceAsync(stoppingToken).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    [LoggerMessage(EventId = 3010, Level = LogLevel.Information, Message = "Prediction log retention deleted {ByAge} records past the maximum age and {BySize} over the size limit ({Feedback} feedback rows); the log is now about {Megabytes} MiB")]
    private static partial void LogPruned(ILogger logger, long byAge, long bySize, long feedback, long megabytes);

    [LoggerMessage(EventId = 3011, Level = LogLevel.Warning, Message = "Prediction log retention failed; it is retried at the next interval")]
    private static partial void LogPruneFailed(ILogger logger, Exception exception);
}
