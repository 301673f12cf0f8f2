using System.CommandLine;

namespace Keel.Cli.Infrastructure;

/// <summary>Options every command sees, and how a command turns them into its stores (<see cref="StoreChoice"/>'s rule).</summary>
public sealed class GlobalOptions
{
    internal GlobalOptions(CliSettings settings)
    {
        Settings = settings;
        TrackingUri = new Option<string>("--tracking-uri")
        {
            Description = "Where runs and models are: a tracking server (http://host:port) or a store opened in-process (sqlite:///path/keel.db, postgresql://user:password@host/db). " + StoreChoice.RuleHelp,
            Recursive = true,
            HelpName = "uri",
        };
    }

    /// <summary>The process's console and environment, or a test's.</summary>
    public CliSettings Settings { get; }

    /// <summary><c>--tracking-uri</c>, recursive: valid after any command.</summary>
    public Option<string> TrackingUri { get; }

    /// <summary>Which store the command line names, by the one rule.</summary>
    internal StoreChoice ResolveStore(ParseResult parse, string? backendStoreUri = null, string? artifactsUri = null)
    {
        ArgumentNullException.ThrowIfNull(parse);
        return StoreChoice.Resolve(parse.GetValue(TrackingUri), backendStoreUri, artifactsUri, Settings);
    }

    /// <summary>Resolves and opens the store, printing the store line on stderr (never on stdout, which stays clean for JSON).</summary>
    internal CliStore OpenStore(ParseResult parse, string? backendStoreUri = null, string? artifactsUri = null) =>
        OpenStore(ResolveStore(parse, backendStoreUri, artifactsUri));

    /// <summary>Opens <paramref name="location"/>, printing the store line on stderr.</summary>
    internal CliStore OpenStore(StoreChoice location)
    {
        ArgumentNullException.ThrowIfNull(location);
        Settings.Error.WriteLine(location.Line);
        return CliStore.Open(location, Settings);
    }
}
