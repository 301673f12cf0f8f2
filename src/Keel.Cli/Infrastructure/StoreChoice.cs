using Keel.Storage;
using Keel.Stores;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// Which store a command uses, by one rule for every command (MLflow's): <c>--tracking-uri</c>,
/// else <c>--backend-store-uri</c> (where a command has it), else <c>$KEEL_TRACKING_URI</c>, else
/// <c>$MLFLOW_TRACKING_URI</c>; an <c>http(s)://</c> URI is a tracking server, a <c>sqlite:///</c>
/// or <c>postgresql://</c> URI a store opened in-process (as <c>keel server</c> opens it, through
/// <see cref="StoreFactory"/>); with none of them, the local embedded store in <c>./keel-data</c>
/// (<see cref="DefaultBackendStoreUri"/>, artifacts in <see cref="DefaultArtifactsUri"/>), the
/// one <c>keel server</c> uses by default. A store opened in-process keeps its artifacts at
/// <c>--artifacts-uri</c>, else <c>$KEEL_ARTIFACTS_URI</c>, else <c>./keel-data/artifacts</c>.
/// </summary>
/// <param name="Server">The tracking server, or null for a store opened in-process.</param>
/// <param name="DatabasePath">The local SQLite file (absolute), or null for a server or PostgreSQL.</param>
/// <param name="ArtifactRoot">The in-process store's artifact root (an absolute folder or <c>s3://bucket/prefix</c>), or null for a server.</param>
/// <param name="Origin">What named it: <c>--tracking-uri</c>, <c>KEEL_TRACKING_URI</c>, ..., or <c>local, default</c>.</param>
/// <param name="Postgres">The PostgreSQL database (its <c>postgresql://</c> URI, password included), or null.</param>
internal sealed record StoreChoice(Uri? Server, string? DatabasePath, string? ArtifactRoot, string Origin, BackendStoreUri? Postgres = null)
{
    /// <summary>The variable naming an in-process store's artifact root when <c>--artifacts-uri</c> is not given (as in <c>deploy/keel.env</c>).</summary>
    public const string ArtifactsVariable = "KEEL_ARTIFACTS_URI";

    /// <summary>The embedded store's database when no URI is given (as <c>keel server</c>'s default).</summary>
    public const string DefaultBackendStoreUri = "sqlite:///keel-data/keel.db";

    /// <summary>The embedded store's artifact folder when none is given (as <c>keel server</c>'s default).</summary>
    public const string DefaultArtifactsUri = "./keel-data/artifacts";

    /// <summary>The origin of the default.</summary>
    public const string DefaultOrigin = "local, default";

    /// <summary>The rule in one sentence, for <c>--help</c> texts.</summary>
    public const string RuleHelp =
        "Default: $KEEL_TRACKING_URI, then $MLFLOW_TRACKING_URI, then the local store in ./keel-data (sqlite:///keel-data/keel.db, artifacts in ./keel-data/artifacts), the one 'keel server' uses by default.";

    /// <summary>Whether the store is opened in-process (SQLite or PostgreSQL), not reached through a server.</summary>
    public bool IsLocal => Server is null;

    /// <summary>Whether the store is a local SQLite file (<see cref="DatabasePath"/>).</summary>
    public bool IsSqlite => DatabasePath is not null;

    /// <summary>The URI as the store line and messages show it: the server URL, <c>sqlite:///absolute/path</c>, or the <c>postgresql://</c> URI with its password masked.</summary>
    public string Uri => Server?.AbsoluteUri ?? Postgres?.Display ?? "sqlite:///" + DatabasePath;

    /// <summary>The backend store URI to open an in-process store with (a PostgreSQL password included).</summary>
    public string BackendUri => Postgres?.Location ?? "sqlite:///" + DatabasePath;

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

        if (text.StartsWith("postgres", StringComparison.OrdinalIgnoreCase))
        {
            BackendStoreUri postgres;
            try
            {
                postgres = BackendStoreUri.Parse(text);
            }
            catch (Core.Errors.KeelException e)
            {
                throw new UsageException($"{origin}: {e.Message}", e);
            }

            return new StoreChoice(null, null, ResolveArtifactRoot(artifactsUri, settings), origin, postgres);
        }

        throw new UsageException(localOnly
            ? $"Invalid {origin} '{text}': expected a store, sqlite:///path/to/keel.db or postgresql://user:password@host:port/database."
            : $"Invalid tracking URI '{text}' ({origin}): expected a server (http:// or https:// URL) or a store (sqlite:///path/to/keel.db, postgresql://user:password@host:port/database).");
    }

    private static StoreChoice Local(string databasePath, string? artifactsUri, string origin, CliSettings settings) =>
        new(null, Path.GetFullPath(databasePath), ResolveArtifactRoot(artifactsUri, settings), origin);

    /// <summary><c>--artifacts-uri</c>, else <c>$KEEL_ARTIFACTS_URI</c>, else <c>./keel-data/artifacts</c>.</summary>
    private static string ResolveArtifactRoot(string? artifactsUri, CliSettings settings)
    {
        var (uri, origin) = artifactsUri is not null
            ? (artifactsUri, "--artifacts-uri")
            : (settings.GetEnvironmentVariable(ArtifactsVariable) is { Length: > 0 } variable ? variable : null, ArtifactsVariable);
        if (uri is null)
        {
            return Path.Combine(settings.WorkingDirectory, "keel-data", "artifacts");
        }

        try
        {
            return Storage.Artifacts.ArtifactStores.Root(uri);
        }
        catch (Core.Errors.KeelException e)
        {
            throw new UsageException($"{origin}: " + e.Message, e);
        }
    }
}
