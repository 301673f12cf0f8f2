using Keel.Core.Errors;

namespace Keel.Storage;

/// <summary>Parses store URIs the way MLflow writes them.</summary>
public static class StoreUris
{
    /// <summary>A backend URI split into scheme and location.</summary>
    public sealed record Backend(string Scheme, string Path);

    /// <summary>
    /// <c>sqlite:///relative/keel.db</c> (three slashes: relative), <c>sqlite:////abs/keel.db</c>
    /// (four: absolute), <c>sqlite:///:memory:</c> is refused (nothing would persist).
    /// </summary>
    public static Backend ParseBackend(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        var colon = uri.IndexOf("://", StringComparison.Ordinal);
        if (colon <= 0)
        {
            throw KeelException.InvalidParameter($"Invalid backend store URI '{uri}'. Expected e.g. sqlite:///keel-data/keel.db.");
        }

        var scheme = uri[..colon].ToLowerInvariant();
        var rest = uri[(colon + 3)..];
        if (scheme == "sqlite")
        {
            if (!rest.StartsWith('/'))
            {
                throw KeelException.InvalidParameter($"Invalid SQLite URI '{uri}'. Use sqlite:///relative/path.db or sqlite:////absolute/path.db.");
            }

            var path = rest[1..];
            if (path.Length == 0 || path == ":memory:")
            {
                throw KeelException.InvalidParameter($"Invalid SQLite URI '{uri}': a database file path is required.");
            }

            return new Backend(scheme, Path.GetFullPath(path));
        }

        return new Backend(scheme, rest);
    }

    /// <summary>Turns <c>file:///abs</c>, <c>./rel</c> or <c>/abs</c> into an absolute folder path.</summary>
    public static string ParseArtifactRoot(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.StartsWith("file://", StringComparison.OrdinalIgnoreCase))
        {
            return Path.GetFullPath(Uri.UnescapeDataString(uri["file://".Length..]));
        }

        if (uri.Contains("://", StringComparison.Ordinal))
        {
            throw KeelException.InvalidParameter($"Unsupported artifacts URI '{uri}'. Use a folder path, file:///path or s3://bucket/prefix.");
        }

        return Path.GetFullPath(uri);
    }
}
