namespace Keel.Server.Monitoring.Alerts;

/// <summary>The webhook notifier's log messages (event ids 6720-6739).</summary>
internal static partial class WebhookLog
{
    [LoggerMessage(EventId = 6720, Level = LogLevel.Information, Message = "Alert webhook {Delivery} ({Event}, model {Model} rule {Rule}) delivered to {Host} at attempt {Attempt} (HTTP {Status})")]
    public static partial void Delivered(ILogger logger, string delivery, string @event, string model, string rule, string host, int attempt, int status);

    [LoggerMessage(EventId = 6721, Level = LogLevel.Warning, Message = "Alert webhook {Delivery} to {Host}: attempt {Attempt} of {MaxAttempts} failed ({Why}); next in {DelayMilliseconds} ms")]
    public static partial void Retrying(ILogger logger, string delivery, string host, int attempt, int maxAttempts, string why, long delayMilliseconds);

    [LoggerMessage(EventId = 6722, Level = LogLevel.Error, Message = "Alert webhook {Delivery} ({Event}, model {Model} rule {Rule}) to {Host} given up after {Attempt} attempts: {Why}")]
    public static partial void GaveUp(ILogger logger, string delivery, string @event, string model, string rule, string host, int attempt, string why);

    [LoggerMessage(EventId = 6723, Level = LogLevel.Error, Message = "Alert webhook for model {Model} rule {Rule} dropped: the delivery queue is full ({Capacity}); {Dropped} dropped so far")]
    public static partial void Dropped(ILogger logger, string model, string rule, int capacity, long dropped);

    [LoggerMessage(EventId = 6724, Level = LogLevel.Error, Message = "Alert webhook for model {Model} rule {Rule} to {Host} not sent: its secret variable {SecretEnv} is not set on this server (refusing to send it unsigned)")]
    public static partial void SecretMissing(ILogger logger, string model, string rule, string host, string secretEnv);
}
