namespace Keel.Server.Infrastructure;

/// <summary>The hosting layer's log messages (event ids 4000–4099).</summary>
internal static partial class HostingLog
{
    [LoggerMessage(EventId = 4000, Level = LogLevel.Information, Message = "Open-file limit (RLIMIT_NOFILE): soft {SoftBefore}, hard {Hard}; soft limit now {SoftAfter}; at most {MaxConnections} connections at once ({Source})")]
    public static partial void DescriptorLimits(ILogger logger, string softBefore, string hard, string softAfter, int maxConnections, string source);

    [LoggerMessage(EventId = 4001, Level = LogLevel.Warning, Message = "The open-file limit ({Soft}) leaves little room: at most {MaxConnections} connections, and loading models may fail. Raise the hard limit (ulimit -Hn, LimitNOFILE=) to a few thousand")]
    public static partial void DescriptorLimitLow(ILogger logger, string soft, int maxConnections);

    [LoggerMessage(EventId = 4002, Level = LogLevel.Warning, Message = "Connection limit of {MaxConnections} reached (Keel:Hosting:MaxConnections): new connections are closed until some end; {Rejected} turned away so far")]
    public static partial void ConnectionLimitReached(ILogger logger, int maxConnections, long rejected);

    [LoggerMessage(EventId = 4003, Level = LogLevel.Warning, Message = "Listening on {Address}, which is not a loopback address: anyone who can reach it can read and change everything (runs, models, deployments). Authentication comes in a later version; bind 127.0.0.1 or put an authenticating proxy in front")]
    public static partial void NonLoopbackAddress(ILogger logger, string address);

    [LoggerMessage(EventId = 4004, Level = LogLevel.Information, Message = "Gave memory back after a burst of request bodies: {BeforeMb} MB → {AfterMb} MB of managed heap")]
    public static partial void MemoryTrimmed(ILogger logger, long beforeMb, long afterMb);
}
