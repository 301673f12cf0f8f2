using System.Text;
using Keel.Core.Errors;

namespace Keel.Core.Artifacts;

/// <summary>
/// The one place that decides whether an artifact path is acceptable. A path is relative to an
/// artifact root, uses <c>/</c> only, and can never name anything outside that root.
/// </summary>
/// <remarks>
/// Refused with INVALID_PARAMETER_VALUE (as MLflow's <c>validate_path_is_safe</c>, and stricter):
/// <list type="bullet">
/// <item><c>..</c> segments (and any segment made only of dots, which Windows trims to <c>..</c>);</item>
/// <item>absolute paths: a leading <c>/</c>, a drive letter (<c>C:</c>), a URI (<c>file:///</c>);</item>
/// <item>backslashes, NUL and other control characters, <c>#</c>;</item>
/// <item>any percent escape left after the transport's single decoding (<c>%2e</c>, <c>%2f</c>, <c>%2525</c>...):
/// such a path was encoded twice, which only an attack or a broken client does (a lone <c>%</c>, as in
/// <c>100%.txt</c>, is an ordinary character);</item>
/// <item>names reserved for in-flight uploads (<see cref="TempPrefix"/>);</item>
/// <item>segments longer than 255 UTF-8 bytes and paths longer than <see cref="MaxLength"/> characters.</item>
/// </list>
/// Empty and <c>.</c> segments are dropped, so <c>a//b/./c/</c> becomes <c>a/b/c</c>.
/// </remarks>
public static class ArtifactPath
{
    /// <summary>File names starting with this are temporary upload files: hidden and never addressable.</summary>
    public const string TempPrefix = ".keel-upload-";

    /// <summary>The longest accepted path, in characters.</summary>
    /// <value>1024.</value>
    public const int MaxLength = 1024;

    /// <summary>The longest accepted segment, in UTF-8 bytes (the usual file system limit).</summary>
    public const int MaxSegmentBytes = 255;

    /// <summary>
    /// Checks and normalises a decoded relative path (a query-string value, a path inside a URI).
    /// Returns <c>""</c> for the root: null, empty, or only empty and <c>.</c> segments.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the path is unsafe.</exception>
    public static string Normalize(string? path)
    {
        if (string.IsNullOrEmpty(path))
        {
            return string.Empty;
        }

        if (path.Length > MaxLength)
        {
            throw Invalid($"the path is longer than {MaxLength} characters");
        }

        foreach (var c in path)
        {
            if (c == '\0' || char.IsControl(c))
            {
                throw Invalid("control characters are not allowed");
            }

            if (c == '\\')
            {
                throw Invalid("backslashes are not allowed; use '/'");
            }

            if (c == '#')
            {
                throw Invalid("'#' is not allowed");
            }
        }

        if (ContainsPercentEscape(path))
        {
            throw Invalid("percent-encoded characters are not allowed (the path was encoded twice)");
        }

        if (path[0] == '/')
        {
            throw Invalid("absolute paths are not allowed");
        }

        if (LooksLikeDriveOrScheme(path))
        {
            throw Invalid("drive letters and URIs are not allowed; give a path relative to the artifact root");
        }

        var builder = new StringBuilder(path.Length);
        foreach (var segment in path.Split('/'))
        {
            if (segment.Length == 0 || segment == ".")
            {
                continue;
            }

            if (IsOnlyDots(segment))
            {
                throw Invalid("'..' segments are not allowed");
            }

            if (segment.StartsWith(TempPrefix, StringComparison.OrdinalIgnoreCase))
            {
                throw Invalid($"names starting with '{TempPrefix}' are reserved");
            }

            if (Encoding.UTF8.GetByteCount(segment) > MaxSegmentBytes)
            {
                throw Invalid($"a path segment is longer than {MaxSegmentBytes} bytes");
            }

            if (builder.Length > 0)
            {
                builder.Append('/');
            }

            builder.Append(segment);
        }

        return builder.ToString();
    }

    /// <summary>
    /// Checks and normalises a path taken raw (still percent-encoded) from a request URL, as in
    /// <c>/mlflow-artifacts/artifacts/&lt;path&gt;</c>. Encoded separators, dots and percent signs are
    /// refused before decoding, then the decoded path goes through <see cref="Normalize"/>.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the path is unsafe.</exception>
    public static string NormalizeEncoded(string? rawPath)
    {
        if (string.IsNullOrEmpty(rawPath))
        {
            return string.Empty;
        }

        if (rawPath.Length > MaxLength * 3)
        {
            throw Invalid($"the path is longer than {MaxLength} characters");
        }

        EnsureNoEncodedSpecials(rawPath);
        string decoded;
        try
        {
            decoded = Uri.UnescapeDataString(rawPath);
        }
        catch (UriFormatException)
        {
            throw Invalid("the path is not valid percent-encoding");
        }

        return Normalize(decoded);
    }

    /// <summary>
    /// Refuses percent-encoded <c>.</c>, <c>/</c>, <c>\</c>, <c>#</c> and control characters in a raw URL path:
    /// a client never needs to encode them, and a server that decodes them late can be tricked.
    /// An encoded <c>%</c> is let through here (clients encode a literal <c>%</c> in a file name), but
    /// if it forms a further escape (<c>%252e</c>) <see cref="Normalize"/> refuses the decoded result.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when one is present.</exception>
    public static void EnsureNoEncodedSpecials(string rawPath)
    {
        ArgumentNullException.ThrowIfNull(rawPath);
        for (var i = 0; i + 2 < rawPath.Length; i++)
        {
            if (rawPath[i] != '%' || !IsHex(rawPath[i + 1]) || !IsHex(rawPath[i + 2]))
            {
                continue;
            }

            var value = (HexValue(rawPath[i + 1]) << 4) | HexValue(rawPath[i + 2]);
            if (value is '.' or '/' or '\\' or '#' || value < 0x20 || value == 0x7f)
            {
                throw Invalid("percent-encoded dots, slashes, backslashes, '#' and control characters are not allowed");
            }
        }
    }

    /// <summary>Joins normalised relative paths with <c>/</c>, skipping empty parts.</summary>
    public static string Combine(string first, string second)
    {
        ArgumentNullException.ThrowIfNull(first);
        ArgumentNullException.ThrowIfNull(second);
        return first.Length == 0 ? second : second.Length == 0 ? first : first + "/" + second;
    }

    /// <summary>The last segment of a normalised path (the whole path when it has no <c>/</c>).</summary>
    public static string FileName(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        var slash = path.LastIndexOf('/');
        return slash < 0 ? path : path[(slash + 1)..];
    }

    private static KeelException Invalid(string why) => KeelException.InvalidParameter($"Invalid path: {why}.");

    private static bool IsOnlyDots(string segment)
    {
        foreach (var c in segment)
        {
            if (c != '.')
            {
                return false;
            }
        }

        return true;
    }

    private static bool LooksLikeDriveOrScheme(string path)
    {
        var firstSegmentEnd = path.IndexOf('/');
        var first = firstSegmentEnd < 0 ? path : path[..firstSegmentEnd];
        var colon = first.IndexOf(':');
        if (colon < 0)
        {
            return false;
        }

        // "C:", "C:x" (a drive, absolute or drive-relative) and "scheme:/..." ("file:///etc",
        // "mlflow-artifacts:/1"). A colon elsewhere ("model:v1.txt") is an ordinary name character.
        var driveLetter = colon == 1 && char.IsAsciiLetter(first[0]);
        var scheme = colon == first.Length - 1;
        return driveLetter || scheme;
    }

    private static bool ContainsPercentEscape(string path)
    {
        for (var i = 0; i + 2 < path.Length; i++)
        {
            if (path[i] == '%' && IsHex(path[i + 1]) && IsHex(path[i + 2]))
            {
                return true;
            }
        }

        return false;
    }

    private static bool IsHex(char c) => char.IsAsciiHexDigit(c);

    private static int HexValue(char c) => c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10;
}
