using System.CommandLine;
using Keel.Client;

namespace Keel.Cli.Infrastructure;

/// <summary>Options every command sees, and how a command turns them into a client.</summary>
public sealed class GlobalOptions
{
    /// <summary>Used when neither the option nor an environment variable names a server.</summary>
    public const string DefaultTrackingUri = "http://127.0.0.1:5000";

    internal GlobalOptions(CliSettings settings)
    {
        Settings = settings;
        TrackingUri = new Option<string>("--tracking-uri")
        {
            Description = $"Tracking server URL. Default: $KEEL_TRACKING_URI, then $MLFLOW_TRACKING_URI, then {DefaultTrackingUri}.",
            Recursive = true,
            HelpName = "url",
            DefaultValueFactory = _ => ResolveDefaultTrackingUri(settings),
        };
    }

    /// <summary>The process's console and environment, or a test's.</summary>
    public CliSettings Settings { get; }

    /// <summary><c>--tracking-uri</c>, recursive: valid after any command.</summary>
    public Option<string> TrackingUri { get; }

    /// <summary>A client for the tracking server the command line names.</summary>
    public KeelClient CreateClient(ParseResult parse)
    {
        ArgumentNullException.ThrowIfNull(parse);
        var text = parse.GetValue(TrackingUri) ?? DefaultTrackingUri;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"Invalid tracking URI '{text}': expected an http:// or https:// URL.");
        }

        return new KeelClient(uri, Settings.ClientOptions);
    }

    private static string ResolveDefaultTrackingUri(CliSettings settings)
    {
        foreach (var name in (ReadOnlySpan<string>)["KEEL_TRACKING_URI", "MLFLOW_TRACKING_URI"])
        {
            if (settings.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                return value;
            }
        }

        return DefaultTrackingUri;
    }
}
