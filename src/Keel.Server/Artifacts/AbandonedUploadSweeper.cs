using Keel.Core.Artifacts;
using Keel.Storage.Artifacts;

namespace Keel.Server.Artifacts;

/// <summary>
/// Once after start-up, in the background, removes temporary upload files older than an hour
/// (left by uploads killed mid-way). Never blocks start-up and never fails the server.
/// </summary>
internal sealed partial class AbandonedUploadSweeper(IArtifactStore store, TimeProvider time, ILogger<AbandonedUploadSweeper> logger) : BackgroundService
{
    /// <summary>Uploads younger than this may still be in flight.</summary>
    public static readonly TimeSpan MinimumAge = TimeSpan.FromHours(1);

    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (store is not LocalArtifactStore local)
        {
            return Task.CompletedTask;
        }

        return Task.Run(
            () =>
            {
                try
                {
                    var removed = local.SweepAbandonedUploads(time.GetUtcNow() - MinimumAge, stoppingToken);
                    if (removed > 0)
                    {
                        LogSwept(logger, removed);
                    }
                }
                catch (OperationCanceledException)
                {
                    // Shutting down.
                }
                catch (Exception e)
                {
                    LogFailed(logger, e);
                }
            },
            stoppingToken);
    }

    [LoggerMessage(EventId = 2000, Level = LogLevel.Information, Message = "Removed {Count} abandoned upload files")]
    private static partial void LogSwept(ILogger logger, int count);

    [LoggerMessage(EventId = 2001, Level = LogLevel.Warning, Message = "Sweeping abandoned upload files failed")]
    private static partial void LogFailed(ILogger logger, Exception exception);
}
