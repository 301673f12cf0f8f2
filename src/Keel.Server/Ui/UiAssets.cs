using System.Collections.Frozen;
using System.Reflection;
using System.Security.Cryptography;

namespace Keel.Server.Ui;

/// <summary>
/// The web UI's files, compiled into this assembly as embedded resources (<c>Ui/assets/**</c>, named
/// <c>KeelUi/&lt;relative path&gt;</c>), so every build of the server carries its UI and nothing is
/// fetched from elsewhere at run time.
/// </summary>
internal sealed class UiAssets
{
    private const string Prefix = "KeelUi/";

    private static readonly FrozenDictionary<string, string> Types = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        [".html"] = "text/html; charset=utf-8",
        [".js"] = "text/javascript; charset=utf-8",
        [".css"] = "text/css; charset=utf-8",
        [".svg"] = "image/svg+xml",
        [".md"] = "text/plain; charset=utf-8",
        [".txt"] = "text/plain; charset=utf-8",
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private UiAssets(FrozenDictionary<string, UiAsset> files) => Files = files;

    /// <summary>The files by path relative to <c>Ui/assets</c> ('/'-separated).</summary>
    public FrozenDictionary<string, UiAsset> Files { get; }

    /// <summary>Reads every embedded UI file once.</summary>
    public static UiAssets Load()
    {
        var assembly = typeof(UiAssets).Assembly;
        var files = new Dictionary<string, UiAsset>(StringComparer.Ordinal);
        foreach (var name in assembly.GetManifestResourceNames())
        {
            if (!name.StartsWith(Prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var path = name[Prefix.Length..].Replace('\\', '/');
            files[path] = Read(assembly, name, path);
        }

        return new UiAssets(files.ToFrozenDictionary(StringComparer.Ordinal));
    }

    private static UiAsset Read(Assembly assembly, string resource, string path)
    {
        using var stream = assembly.GetManifestResourceStream(resource)!;
        using var buffer = new MemoryStream();
        stream.CopyTo(buffer);
        var bytes = buffer.ToArray();
        var etag = "\"" + Convert.ToHexStringLower(SHA256.HashData(bytes).AsSpan(0, 8)) + "\"";
        var type = Types.TryGetValue(Path.GetExtension(path), out var t) ? t : "application/octet-stream";
        return new UiAsset(bytes, type, etag);
    }
}

/// <summary>One UI file: its bytes, content type and a strong ETag from its content.</summary>
internal sealed record UiAsset(byte[] Bytes, string ContentType, string ETag);
