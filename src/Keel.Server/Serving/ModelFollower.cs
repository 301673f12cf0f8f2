using Keel.Core.Artifacts;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Microsoft.Extensions.Options;

namespace Keel.Server.Serving;

/// <summary>Options of the <see cref="ModelFollower"/> (configuration section <c>Keel:Serving</c>).</summary>
public sealed class ModelFollowerOptions
{
    /// <summary>How often served models that follow an alias, stage or <c>latest</c> are re-resolved.</summary>
    /// <value>5 seconds.</value>
    public TimeSpan FollowInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// In the background, every <see cref="ModelFollowerOptions.FollowInterval"/>, re-resolves each
/// served model that follows a moving <c>models:/</c> URI (alias, stage, <c>latest</c>); when it
/// names another version, that version is downloaded, loaded and warmed here, off the request
/// path, then swapped in atomically (<see cref="ServedModelRegistry.RefreshAsync"/>). A failed load
/// is logged and recorded in the model's status while the old version keeps serving; it is tried
/// again at the next tick. Never fails the server.
/// </summary>
internal sealed partial class ModelFollower(
    ServedModelRegistry models,
    IRegistryStore registry,
    ITrackingStore tracking,
    IArtifactStore artifacts,
    IOptions<ModelFollowerOptions> options,
    TimeProvider time,
    ILogger<ModelFollower> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = options.Value.FollowInterval;
        if (interval <= TimeSpan.Zero)
        {
            LogDisabled(logger, interval);
            return;
        }

        using var timer = new PeriodicTimer(interval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await FollowAllAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    /// <summary>One pass: refreshes every following model, one after the other.</summary>
    internal async Task FollowAllAsync(CancellationToken cancellationToken)
    {
        foreach (var model in models.All)
        {
            if (model.Status is not { Follows: true } status)
            {
                continue;
            }

            try
            {
                var next = await models.RefreshAsync(model.Name, registry, tracking, artifacts, cancellationToken).ConfigureAwait(false);
                if (next is not null)
                {
                    LogSwapped(logger, model.Name, status.Source, model.Version, next.Version, next.Generation);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
            catch (Exception e)
            {
                LogFailed(logger, model.Name, status.Source, model.Version, e);
            }
        }
    }

    [LoggerMessage(EventId = 3000, Level = LogLevel.Information, Message = "Serving {Name}: {Source} moved from version {From} to {To}; generation {Generation} now serves")]
    private static partial void LogSwapped(ILogger logger, string name, string source, string from, string to, long generation);

    [LoggerMessage(EventId = 3001, Level = LogLevel.Warning, Message = "Serving {Name}: following {Source} failed; version {Current} keeps serving")]
    private static partial void LogFailed(ILogger logger, string name, string source, string current, Exception exception);

    [LoggerMessage(EventId = 3002, Level = LogLevel.Information, Message = "Serving: following aliases and stages is off (FollowInterval {Interval})")]
    private static partial void LogDisabled(ILogger logger, TimeSpan interval);
}
