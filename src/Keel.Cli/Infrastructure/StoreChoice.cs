using Keel.Storage;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// Which store a command uses, by one rule for every command (MLflow's): <c>--tracking-uri</c>,
/// else <c>--backend-store-uri</c> (where a command has it), else <c>$KEEL_TRACKING_URI</c>, else
/// <c>$MLFLOW_TRACKING_URI</c>; an <c>http(s)://</c> URI is a tracking server, a <c>sqlite:///</c>
/// URI a local store; with none of them, the local embedded store in <c>./keel-data</c>
/// (<see cref="DefaultBackendStoreUri"/>, artifacts in <see cref="DefaultArtifactsUri"/>), the
/// one <c>keel server</c> uses by default.
/// </summary>
/// <param name="Server">The tracking server, or null for a local store.</param>
/// <param name="DatabasePath">The local SQLite file (absolute), or null for a server.</param>
/// <param name="ArtifactRoot">The local store's artifact root (an absolute folder or <c>s3://bucket/prefix</c>), or null for a server.</param>
/// <param name="Origin">What named it: <c>--tracking-uri</c>, <c>KEEL_TRACKING_URI</c>, ..., or <c>local, default</c>.</param>
internal sealed record StoreChoice(Uri? Server, string? DatabasePath, string? ArtifactRoot, string Origin)
{
    /// <summary>The embedded store's database when no URI is given (as <c>keel server</c>'s default).</summary>
    public const string DefaultBackendStoreUri = "sqlite:///keel-data/keel.db";

    /// <summary>The embedded store's artifact folder when none is given (as <c>keel server</c>'s default).</summary>
    public const string DefaultArtifactsUri = "./keel-data/artifacts";

    /// <summary>The origin of the default.</summary>
    public const string DefaultOrigin = "local, default";

    /// <summary>The rule in one sentence, for <c>--help</c> texts.</summary>
    public const string RuleHelp =
        "Default: $KEEL_TRACKING_URI, then $MLFLOW_TRACKING_URI, then the local store in ./keel-data (sqlite:///keel-data/keel.db, artifacts in ./keel-data/artifacts), the one 'keel server' uses by default.";

    /// <summary>Whether this is a local store (no server).</summary>
    public bool IsLocal => Server is null;

    /// <summary>The URI as the store line shows it: the server URL or <c>sqlite:///absolute/path</c>.</summary>
    public string Uri => Server?.AbsoluteUri ?? "sqlite:///" + DatabasePath;

    /// <summary>The line every command prints on stderr, e.g. <c>store: sqlite:///…/keel-data/keel.db (local, default)</c>.</summary>
    public string Line => $"store: {Uri} ({Origin})";

    /// <summary>Applies the rule.</summary>
    /// <param name="trackingUri">The explicit <c>--tracking-uri</c>, or null.</param>
    /// <param name="backendStoreUri">The explicit <c>--backend-store-uri</c>, or null (or a command without it).</param>
    /// <param name="artifactsUri">The explicit <c>--artifacts-uri</c>, or null.</param>
    /// <param name="settings">The environment and the working directory the default is under.</param>
    /// <exception cref="UsageException">Both a server and a local store named, or a URI of neither kind.</exception>
    public static StoreChoice Resolve(string? trackingUri, string? backendStoreUri, string? artifactsUri, CliSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        if (trackingUri is not null && (backendStoreUri is not null || artifactsUri is not null))
        {
            throw new UsageException("Use either --tracking-uri or --backend-store-uri/--artifacts-uri, not both.");
        }

        if (trackingUri is not null)
        {
            return FromUri(trackingUri, null, "--tracking-uri", settings);
        }

        if (backendStoreUri is not null)
        {
            return FromUri(backendStoreUri, artifactsUri, "--backend-store-uri", settings, localOnly: true);
        }

        foreach (var name in (ReadOnlySpan<string>)["KEEL_TRACKING_URI", "MLFLOW_TRACKING_URI"])
        {
            if (artifactsUri is null && settings.GetEnvironmentVariable(name) is { Length: > 0 } value)
            {
                return FromUri(value, null, name, settings);
            }
        }

        return Local(Path.Combine(settings.WorkingDirectory, "keel-data", "keel.db"), artifactsUri, artifactsUri is null ? DefaultOrigin : "--artifacts-uri", settings);
    }

    private static StoreChoice FromUri(string text, string? artifactsUri, string origin, CliSettings settings, bool localOnly = false)
    {
        if (!localOnly && System.Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == System.Uri.UriSchemeHttp || uri.Scheme == System.Uri.UriSchemeHttps))
        {
            return new StoreChoice(uri, null, null, origin);
        }

        if (text.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return Local(StoreUris.ParseBackend(text).Path, artifactsUri, origin, settings);
            }
            catch (Core.Errors.KeelException e)
            {
                throw new UsageException($"{origin}: {e.Message}", e);
            }
        }

        throw new UsageException(localOnly
            ? $"Invalid {origin} '{text}': expected a local store, sqlite:///path/to/keel.db."
            : $"Invalid tracking URI '{text}' ({origin}): expected a server (http:// or https:// URL) or a local store (sqlite:///path/to/keel.db).");
    }

    private static StoreChoice Local(string databasePath, string? artifactsUri, string origin, CliSettings settings)
    {
        string root;
        try
        {
            root = artifactsUri is null
                ? Path.Combine(settings.WorkingDirectory, "keel-data", "artifacts")
                : Storage.Artifacts.ArtifactStores.Root(artifactsUri);
        }
        catch (Core.Errors.KeelException e)
        {
            throw new UsageException("--artifacts-uri: " + e.Message, e);
        }

        return new StoreChoice(null, Path.GetFullPath(databasePath), root, origin);
    }
}
