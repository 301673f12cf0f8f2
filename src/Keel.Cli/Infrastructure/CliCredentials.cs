using Keel.Client;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// The credentials a command sends to a server with auth on, from the environment by the CLI's
/// usual rule (Keel's variable, then MLflow's): <c>KEEL_TRACKING_TOKEN</c> / <c>MLFLOW_TRACKING_TOKEN</c>
/// (Bearer), else <c>KEEL_TRACKING_USERNAME</c> + <c>KEEL_TRACKING_PASSWORD</c> /
/// <c>MLFLOW_TRACKING_USERNAME</c> + <c>MLFLOW_TRACKING_PASSWORD</c> (Basic).
/// </summary>
internal static class CliCredentials
{
    /// <summary>Client options with the environment's credentials (the given options when they name some already, or none are set).</summary>
    public static KeelClientOptions Apply(KeelClientOptions options, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(environment);
        if (options.HasCredentials)
        {
            return options;
        }

        string? Read(string what) => environment("KEEL_TRACKING_" + what) is { Length: > 0 } keel ? keel : environment("MLFLOW_TRACKING_" + what) is { Length: > 0 } mlflow ? mlflow : null;
        var token = Read("TOKEN");
        var username = Read("USERNAME");
        if (token is null && username is null)
        {
            return options;
        }

        var password = Read("PASSWORD");
        if (token is null && password is null)
        {
            throw new UsageException($"{(environment("KEEL_TRACKING_USERNAME") is { Length: > 0 } ? "KEEL" : "MLFLOW")}_TRACKING_USERNAME is set without a password: set MLFLOW_TRACKING_PASSWORD (or KEEL_TRACKING_PASSWORD) too.");
        }

        return new KeelClientOptions
        {
            MaxRetryAttempts = options.MaxRetryAttempts,
            BaseDelay = options.BaseDelay,
            MaxDelay = options.MaxDelay,
            UseJitter = options.UseJitter,
            Timeout = options.Timeout,
            TimeProvider = options.TimeProvider,
            User = options.User,
            Token = token,
            Username = token is null ? username : null,
            Password = token is null ? password : null,
        };
    }
}
