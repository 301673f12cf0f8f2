using System.Globalization;
using Keel.Core.Errors;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// Turns a PostgreSQL store address into an Npgsql connection string. Takes the URI form
/// <c>postgresql://user:password@host:port/database?sslmode=require&amp;search_path=keel</c> (also
/// <c>postgres://</c>; percent-encoded user and password; <c>host=/run/postgresql</c> for a unix
/// socket folder), or an Npgsql connection string (<c>Host=...;Database=...</c>) as it is.
/// </summary>
public static class PostgresConnectionString
{
    // libpq's query parameter names Keel accepts, and the Npgsql keyword each sets.
    private static readonly Dictionary<string, string> Parameters = new(StringComparer.OrdinalIgnoreCase)
    {
        ["host"] = "Host",
        ["port"] = "Port",
        ["user"] = "Username",
        ["password"] = "Password",
        ["dbname"] = "Database",
        ["sslmode"] = "SSL Mode",
        ["application_name"] = "Application Name",
        ["search_path"] = "Search Path",
        ["connect_timeout"] = "Timeout",
        ["options"] = "Options",
        ["target_session_attrs"] = "Target Session Attributes",
        ["pool_size"] = "Maximum Pool Size",
        ["command_timeout"] = "Command Timeout",
    };

    /// <summary>The Npgsql connection string for <paramref name="address"/>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the address cannot be read.</exception>
    public static string Parse(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        if (!address.StartsWith("postgresql://", StringComparison.OrdinalIgnoreCase) && !address.StartsWith("postgres://", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                return new NpgsqlConnectionStringBuilder(address).ConnectionString;
            }
            catch (ArgumentException e)
            {
                throw KeelException.InvalidParameter($"Invalid PostgreSQL connection string: {e.Message} Use postgresql://user:password@host:port/database.");
            }
        }

        var rest = address[(address.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var builder = new NpgsqlConnectionStringBuilder();
        var query = rest.IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? rest : rest[..query];
        var slash = path.IndexOf('/', StringComparison.Ordinal);
        var authority = slash < 0 ? path : path[..slash];
        var database = slash < 0 ? "" : Uri.UnescapeDataString(path[(slash + 1)..]);
        var at = authority.LastIndexOf('@');
        if (at >= 0)
        {
            var credentials = authority[..at];
            authority = authority[(at + 1)..];
            var colon = credentials.IndexOf(':', StringComparison.Ordinal);
            builder.Username = Uri.UnescapeDataString(colon < 0 ? credentials : credentials[..colon]);
            if (colon >= 0)
            {
                builder.Password = Uri.UnescapeDataString(credentials[(colon + 1)..]);
            }
        }

        if (authority.Length > 0)
        {
            SetHostAndPort(builder, authority, address);
        }

        if (database.Length > 0)
        {
            builder.Database = database;
        }

        if (query >= 0)
        {
            foreach (var pair in rest[(query + 1)..].Split('&', StringSplitOptions.RemoveEmptyEntries))
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                var key = Uri.UnescapeDataString(eq < 0 ? pair : pair[..eq]);
                var value = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
                if (!Parameters.TryGetValue(key, out var keyword))
                {
                    throw KeelException.InvalidParameter($"Unknown PostgreSQL URI parameter '{key}'. Known: {string.Join(", ", Parameters.Keys)}.");
                }

                try
                {
                    builder[keyword] = value;
                }
                catch (Exception e) when (e is ArgumentException or FormatException)
                {
                    throw KeelException.InvalidParameter($"Invalid value for PostgreSQL URI parameter '{key}': {e.Message}");
                }
            }
        }

        if (string.IsNullOrEmpty(builder.Host))
        {
            builder.Host = "localhost";
        }

        return builder.ConnectionString;
    }

    private static void SetHostAndPort(NpgsqlConnectionStringBuilder builder, string authority, string address)
    {
        // [::1]:5432, host:5432 or host.
        var close = authority.StartsWith('[') ? authority.IndexOf(']', StringComparison.Ordinal) : -1;
        var colon = authority.LastIndexOf(':');
        if (colon > close && colon >= 0)
        {
            if (!int.TryParse(authority.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw KeelException.InvalidParameter($"Invalid port in PostgreSQL URI '{Redact(address)}'.");
            }

            builder.Port = port;
            authority = authority[..colon];
        }

        builder.Host = Uri.UnescapeDataString(authority.Trim('[', ']'));
    }

    /// <summary>The address with any password replaced by <c>***</c>, for messages and logs.</summary>
    public static string Redact(string address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var scheme = address.IndexOf("://", StringComparison.Ordinal);
        var at = address.LastIndexOf('@');
        if (scheme < 0 || at < scheme)
        {
            return address.Contains("password", StringComparison.OrdinalIgnoreCase) ? "(a connection string)" : address;
        }

        var colon = address.IndexOf(':', scheme + 3);
        return colon > 0 && colon < at ? address[..(colon + 1)] + "***" + address[at..] : address;
    }
}
