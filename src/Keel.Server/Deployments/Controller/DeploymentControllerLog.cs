namespace Keel.Server.Deployments.Controller;

/// <summary>The controller's log messages (event ids 4100-4199).</summary>
internal static partial class Log
{
    [LoggerMessage(EventId = 4100, Level = LogLevel.Information, Message = "Deployment controller {Holder} took the lease; it acts on deployments now")]
    public static partial void LeaseTaken(ILogger logger, string holder);

    [LoggerMessage(EventId = 4101, Level = LogLevel.Warning, Message = "Deployment controller {Holder} lost the lease; another server acts now")]
    public static partial void LeaseLost(ILogger logger, string holder);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information, Message = "Deployment {Deployment}: step {Step} began, candidate at {Weight}%")]
    public static partial void Advanced(ILogger logger, string deployment, int step, int weight);

    [LoggerMessage(EventId = 4103, Level = LogLevel.Information, Message = "Deployment {Deployment}: promoted, version {Version} is stable")]
    public static partial void Promoted(ILogger logger, string deployment, string version);

    [LoggerMessage(EventId = 4104, Level = LogLevel.Warning, Message = "Deployment {Deployment}: candidate {Version} rolled back automatically: {Why}")]
    public static partial void RolledBack(ILogger logger, string deployment, string? version, string why);

    [LoggerMessage(EventId = 4105, Level = LogLevel.Warning, Message = "Deployment {Deployment}: candidate {Version} failed: {Why}")]
    public static partial void Failed(ILogger logger, string deployment, string version, string why);

    [LoggerMessage(EventId = 4106, Level = LogLevel.Information, Message = "Deployment {Deployment}: candidate {Version} warmed (loaded in {LoadMilliseconds} ms)")]
    public static partial void Warmed(ILogger logger, string deployment, string version, long loadMilliseconds);

    [LoggerMessage(EventId = 4107, Level = LogLevel.Warning, Message = "Deployment {Deployment}: paused, {Why}")]
    public static partial void PausedInconclusive(ILogger logger, string deployment, string why);

    [LoggerMessage(EventId = 4108, Level = LogLevel.Warning, Message = "Deployment {Deployment}: production did not point at stable version {Version}; repaired")]
    public static partial void Repaired(ILogger logger, string deployment, string version);

    [LoggerMessage(EventId = 4109, Level = LogLevel.Warning, Message = "Deployment {Deployment}: production is behind the stable version, but the promotion guard refuses the repair: {Why}")]
    public static partial void RepairRefused(ILogger logger, string deployment, string why);

    [LoggerMessage(EventId = 4110, Level = LogLevel.Warning, Message = "Deployment {Deployment}: the controller could not act; it tries again next tick")]
    public static partial void ReconcileFailed(ILogger logger, string deployment, Exception exception);

    [LoggerMessage(EventId = 4111, Level = LogLevel.Warning, Message = "The deployment controller's tick failed; it tries again")]
    public static partial void TickFailed(ILogger logger, Exception exception);
}
