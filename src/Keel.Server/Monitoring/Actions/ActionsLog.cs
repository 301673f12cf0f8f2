namespace Keel.Server.Monitoring.Actions;

/// <summary>The alert actions' log messages (event ids 6700-6749).</summary>
internal static partial class ActionsLog
{
    [LoggerMessage(EventId = 6700, Level = LogLevel.Warning, Message = "Alert action {Kind} for {Model} rule {Rule}: {Outcome}")]
    public static partial void ActionRan(ILogger logger, string kind, string model, string rule, string outcome);

    [LoggerMessage(EventId = 6701, Level = LogLevel.Error, Message = "Alert action {Kind} for {Model} rule {Rule} failed: {Outcome}")]
    public static partial void ActionFailed(ILogger logger, string kind, string model, string rule, string outcome);

    [LoggerMessage(EventId = 6710, Level = LogLevel.Information, Message = "Retraining {Model}: job {Job} queued from {Pipeline} ({Alert})")]
    public static partial void RetrainingQueued(ILogger logger, string model, string job, string pipeline, string alert);

    [LoggerMessage(EventId = 6711, Level = LogLevel.Information, Message = "Retraining {Model}: job {Job} started")]
    public static partial void RetrainingStarted(ILogger logger, string model, string job);

    [LoggerMessage(EventId = 6712, Level = LogLevel.Information, Message = "Retraining {Model}: job {Job}: {Text}")]
    public static partial void RetrainingProgress(ILogger logger, string model, string job, string text);

    [LoggerMessage(EventId = 6713, Level = LogLevel.Information, Message = "Retraining {Model}: job {Job} is already {State}; trigger coalesced ({Triggers} triggers)")]
    public static partial void RetrainingCoalesced(ILogger logger, string model, string job, string state, int triggers);

    [LoggerMessage(EventId = 6714, Level = LogLevel.Information, Message = "Retraining {Model}: job {Job} passed its gates: run {RunId}, version {Version}; canary: {Canary}")]
    public static partial void RetrainingPassed(ILogger logger, string model, string job, string? runId, string? version, string canary);

    [LoggerMessage(EventId = 6715, Level = LogLevel.Warning, Message = "Retraining {Model}: job {Job} ended {State} (run {RunId}): {Message}")]
    public static partial void RetrainingEnded(ILogger logger, string model, string job, string state, string? runId, string? message);
}
