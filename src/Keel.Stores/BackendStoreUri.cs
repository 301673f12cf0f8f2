using Keel.Core.Errors;
using Keel.Storage;

namespace Keel.Stores;

/// <summary>The database engine a backend store URI names.</summary>
public enum StoreBackend
{
    /// <summary>The embedded SQLite file.</summary>
    Sqlite,

    /// <summary>A PostgreSQL database.</summary>
    Postgres,
}

/// <summary>
/// A parsed backend store URI, in the forms MLflow's <c>--backend-store-uri</c> takes:
/// <c>sqlite:///relative/keel.db</c>, <c>sqlite:////absolute/keel.db</c>,
/// <c>postgresql://user:password@host:port/database</c>, <c>postgres://...</c> and
/// <c>postgresql+psycopg2://...</c> (SQLAlchemy's driver suffix, as MLflow users write it).
/// Other driver suffixes and schemes are refused, and so are Npgsql connection strings
/// (<c>Host=...;Database=...</c>): they are not URIs.
/// </summary>
/// <param name="Backend">The engine.</param>
/// <param name="Location">The absolute database file for SQLite; the URI in its <c>postgresql://</c> form for PostgreSQL.</param>
public sealed record BackendStoreUri(StoreBackend Backend, string Location)
{
    private const string Forms = "sqlite:///relative/path.db, sqlite:////absolute/path.db or postgresql://user:password@host:port/database";

    /// <summary>Parses <paramref name="uri"/>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE: not one of the accepted forms.</exception>
    public static BackendStoreUri Parse(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var separator = uri.IndexOf("://", StringComparison.Ordinal);
        if (separator <= 0)
        {
            throw KeelException.InvalidParameter(LooksLikeConnectionString(uri)
                ? $"Invalid backend store URI: a connection string (key=value;...) is not a URI. Use {Forms}."
                : $"Invalid backend store URI '{uri}'. Use {Forms}.");
        }

        var scheme = uri[..separator].ToLowerInvariant();
        var rest = uri[(separator + 3)..];
        var plus = scheme.IndexOf('+', StringComparison.Ordinal);
        var engine = plus < 0 ? scheme : scheme[..plus];
        var driver = plus < 0 ? null : scheme[(plus + 1)..];
        switch (engine)
        {
            case "sqlite":
                if (driver is not null)
                {
                    throw KeelException.InvalidParameter($"Unsupported backend store URI scheme '{scheme}': Keel has one SQLite driver. Use sqlite:///path/to/keel.db.");
                }

                return new BackendStoreUri(StoreBackend.Sqlite, StoreUris.ParseBackend("sqlite://" + rest).Path);
            case "postgresql" or "postgres":
                if (driver is not null and not "psycopg2")
                {
                    throw KeelException.InvalidParameter($"Unsupported backend store URI scheme '{scheme}': the driver '{driver}' is not supported. Use postgresql:// (postgresql+psycopg2:// is also accepted).");
                }

                var location = "postgresql://" + rest;

                // Read it now, so a bad address is refused before anything is opened.
                Keel.Storage.Postgres.PostgresConnectionString.Parse(location);
                return new BackendStoreUri(StoreBackend.Postgres, location);
            default:
                throw KeelException.InvalidParameter($"Unsupported backend store URI scheme '{scheme}'. Use {Forms}.");
        }
    }

    /// <summary>The URI for messages and logs: the password of a PostgreSQL URI is masked.</summary>
    public string Display => Backend == StoreBackend.Sqlite ? "sqlite:///" + Location : Redact(Location);

    /// <inheritdoc />
    public override string ToString() => Display;

    private static bool LooksLikeConnectionString(string text) => text.Contains('=', StringComparison.Ordinal);

    private static string Redact(string uri)
    {
        var start = uri.IndexOf("://", StringComparison.Ordinal) + 3;
        var end = uri.IndexOfAny(['/', '?'], start);
        var authority = end < 0 ? uri[start..] : uri[start..end];
        var at = authority.LastIndexOf('@');
        var colon = at < 0 ? -1 : authority.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0 || colon > at)
        {
            return uri;
        }

        return string.Concat(uri.AsSpan(0, start + colon + 1), "***", uri.AsSpan(start + at));
    }
}
