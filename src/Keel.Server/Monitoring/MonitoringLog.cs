namespace Keel.Server.Monitoring;

/// <summary>The monitor runner's and scheduler's log messages (event ids 4300-4399).</summary>
internal static partial class MonitoringLog
{
    [LoggerMessage(EventId = 4300, Level = LogLevel.Information, Message = "Monitoring scheduler {Holder} took the lease; it runs the monitors now")]
    public static partial void LeaseTaken(ILogger logger, string holder);

    [LoggerMessage(EventId = 4301, Level = LogLevel.Warning, Message = "Monitoring scheduler {Holder} lost the lease; another server runs the monitors now")]
    public static partial void LeaseLost(ILogger logger, string holder);

    [LoggerMessage(EventId = 4302, Level = LogLevel.Debug, Message = "Monitor of {Model}: {Count} window(s) stored for [{StartMs}, {EndMs})")]
    public static partial void WindowsStored(ILogger logger, string model, int count, long startMs, long endMs);

    [LoggerMessage(EventId = 4303, Level = LogLevel.Warning, Message = "Monitor of {Model}: {Problem}")]
    public static partial void WindowProblem(ILogger logger, string model, string problem);

    [LoggerMessage(EventId = 4304, Level = LogLevel.Warning, Message = "Monitor of {Model} failed; it runs again at its next interval")]
    public static partial void RunFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(EventId = 4305, Level = LogLevel.Warning, Message = "The monitoring scheduler's tick failed; it tries again")]
    public static partial void TickFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4306, Level = LogLevel.Information, Message = "Monitoring retention deleted {Count} window(s) that ended before {BeforeMs}")]
    public static partial void WindowsPruned(ILogger logger, long count, long beforeMs);

    [LoggerMessage(EventId = 4307, Level = LogLevel.Warning, Message = "The monitoring gauges could not read the latest windows; the previous values stay")]
    public static partial void GaugesFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 4308, Level = LogLevel.Warning, Message = "Monitor of {Model}: the windows are stored but the alert rules could not be evaluated; the next pass evaluates again")]
    public static partial void EvaluationFailed(ILogger logger, string model, Exception exception);

    [LoggerMessage(EventId = 4320, Level = LogLevel.Debug, Message = "Monitor of {Model}: pass over {Requests} request(s), {Windows} window(s), took {ElapsedMs:F0} ms")]
    public static partial void PassTook(ILogger logger, string model, long requests, int windows, double elapsedMs);
}
