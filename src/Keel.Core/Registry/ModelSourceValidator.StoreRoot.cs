using System.Text.RegularExpressions;

namespace Keel.Core.Registry;

public static partial class ModelSourceValidator
{
    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.\\-]+)://([^/]*)(/.*)?\\z", RegexOptions.CultureInvariant)]
    private static partial Regex ObjectStoreUri();

    /// <summary>The artifact root, parsed once: a local directory or an object-store prefix.</summary>
    private sealed record StoreRoot(string? FilePath, string? Scheme, string? Authority, string? ObjectPath, string Display)
    {
        public static StoreRoot Parse(string root)
        {
            if (root.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
            {
                var rest = root[5..];
                if (rest.StartsWith("//", StringComparison.Ordinal))
                {
                    // file://host/path: the host (usually empty or localhost) does not matter locally.
                    var slash = rest.IndexOf('/', 2);
                    rest = slash < 0 ? "/" : rest[slash..];
                }

                return Local(Uri.UnescapeDataString(rest), root);
            }

            var match = ObjectStoreUri().Match(root);
            if (match.Success)
            {
                var path = match.Groups[3].Success ? match.Groups[3].Value.TrimEnd('/') : string.Empty;
                return new StoreRoot(null, match.Groups[1].Value, match.Groups[2].Value, path.Length == 0 ? "/" : path, root);
            }

            return Local(root, root);
        }

        private static StoreRoot Local(string path, string display)
        {
            var full = Path.GetFullPath(path);
            if (full.Length > 1)
            {
                full = full.TrimEnd('/');
            }

            return new StoreRoot(full, null, null, null, display);
        }
    }
}
