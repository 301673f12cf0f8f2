using Microsoft.Extensions.Logging;

namespace Keel.Monitoring.Alerts;

/// <summary>The alert evaluator's log messages (event ids 6700-6719): the log notifier every change goes to.</summary>
internal static partial class AlertLog
{
    [LoggerMessage(EventId = 6700, Level = LogLevel.Warning, Message = "Alert FIRING: model {Model} rule {Rule} ({Kind}, {Severity}) on version {Version} deployment {Deployment} arm {Arm}: {Message}")]
    public static partial void Firing(ILogger logger, string model, string rule, string kind, string severity, string version, string? deployment, string? arm, string? message);

    [LoggerMessage(EventId = 6701, Level = LogLevel.Information, Message = "Alert resolved: model {Model} rule {Rule} on version {Version} deployment {Deployment} arm {Arm} (was {From}): {Message}")]
    public static partial void Resolved(ILogger logger, string model, string rule, string version, string? deployment, string? arm, string? from, string? message);

    [LoggerMessage(EventId = 6702, Level = LogLevel.Information, Message = "Alert pending: model {Model} rule {Rule} on version {Version} deployment {Deployment} arm {Arm}, {Breaches} of {For} windows: {Message}")]
    public static partial void Pending(ILogger logger, string model, string rule, string version, string? deployment, string? arm, int breaches, int @for, string? message);

    [LoggerMessage(EventId = 6703, Level = LogLevel.Information, Message = "Alert action {Action} for model {Model} rule {Rule}: {Outcome} ({Detail})")]
    public static partial void ActionRan(ILogger logger, string action, string model, string rule, string outcome, string detail);

    [LoggerMessage(EventId = 6704, Level = LogLevel.Error, Message = "Alert action {Action} for model {Model} rule {Rule} threw")]
    public static partial void ActionThrew(ILogger logger, string action, string model, string rule, Exception exception);

    [LoggerMessage(EventId = 6705, Level = LogLevel.Error, Message = "Alert notifier {Notifier} threw for model {Model} rule {Rule}")]
    public static partial void NotifierThrew(ILogger logger, string notifier, string model, string rule, Exception exception);

    [LoggerMessage(EventId = 6706, Level = LogLevel.Warning, Message = "Alert {Key} of model {Model}: gave up after {Attempts} conflicting writes; this window is not counted")]
    public static partial void Contended(ILogger logger, string key, string model, int attempts);
}
