namespace Keel.Server.Deployments.Routing;

/// <summary>The request path's log messages (event ids 5100–5199).</summary>
internal static partial class RoutingLog
{
    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Deployment {Deployment}: version {Version} of {Model} loaded in {Milliseconds} ms")]
    public static partial void Loaded(ILogger logger, string deployment, string model, string version, long milliseconds);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Warning, Message = "Deployment {Deployment}: version {Version} of {Model} did not load; the arms already loaded keep serving")]
    public static partial void LoadFailed(ILogger logger, Exception exception, string deployment, string model, string version);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Information, Message = "Deployment {Deployment}: version {Version} released (no arm serves it and its rollback window is over)")]
    public static partial void Released(ILogger logger, string deployment, string version);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Information, Message = "Deployment {Deployment}: revision {Revision} routes stable {Stable}, candidate {Candidate} at {Weight}%, shadow share {ShadowShare}")]
    public static partial void Routed(ILogger logger, string deployment, long revision, string stable, string candidate, int weight, double shadowShare);

    [LoggerMessage(EventId = 5104, Level = LogLevel.Warning, Message = "Deployments: reading {Deployment} from the store failed; its current routing stays")]
    public static partial void PollFailed(ILogger logger, Exception exception, string deployment);

    [LoggerMessage(EventId = 5105, Level = LogLevel.Warning, Message = "Deployment {Deployment}: the shadow queue is full; {Dropped} copies dropped so far")]
    public static partial void ShadowDropped(ILogger logger, string deployment, long dropped);

    [LoggerMessage(EventId = 5106, Level = LogLevel.Warning, Message = "Deployment {Deployment}: an observer of the request path threw; it is skipped for this answer")]
    public static partial void ObserverFailed(ILogger logger, Exception exception, string deployment);

    [LoggerMessage(EventId = 5107, Level = LogLevel.Warning, Message = "Deployment {Deployment}: the shadow copy of request {RequestId} failed on version {Version}")]
    public static partial void ShadowFailed(ILogger logger, Exception exception, string deployment, string requestId, string version);

    [LoggerMessage(EventId = 5108, Level = LogLevel.Information, Message = "Deployment {Deployment} is no longer in the store; its arms are released")]
    public static partial void Removed(ILogger logger, string deployment);
}
