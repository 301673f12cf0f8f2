using System.Text.RegularExpressions;
using Keel.Core.Artifacts;
using Keel.Core.Errors;

namespace Keel.Core.Registry;

/// <summary>
/// Decides whether a model version's <c>source</c> may be registered: it must resolve inside
/// Keel's own artifact store. This closes the classes of MLflow's CVE-2023-1177, -2356, -2780,
/// -6018, -6977, CVE-2024-1558 and CVE-2026-2614 (see <c>ModelSourceValidatorTests</c>).
/// </summary>
/// <remarks>
/// Accepted, and returned in canonical form:
/// <list type="bullet">
/// <item><c>runs:/&lt;32 hex run id&gt;/&lt;path&gt;</c> → <c>runs:/&lt;id&gt;/&lt;normalised path&gt;</c>;</item>
/// <item><c>models:/...</c> (a valid <see cref="ModelUri"/>) → its canonical spelling;</item>
/// <item><c>mlflow-artifacts:/&lt;path&gt;</c> → <c>mlflow-artifacts:/&lt;normalised path&gt;</c>;</item>
/// <item>an absolute path, a <c>file:</c> URI or (for an object-store root) a same-bucket URI that equals or
/// lies under the artifact root → the same location as <c>mlflow-artifacts:/&lt;path under the root&gt;</c>,
/// so stored sources never name the host's file system.</item>
/// </list>
/// Everything else is refused with INVALID_PARAMETER_VALUE: other schemes (<c>http</c>, <c>https</c>,
/// <c>s3</c> outside the root, <c>file://host</c>), relative paths, <c>..</c> or <c>.</c> segments in
/// any spelling, percent-encoded dots, slashes, percent signs, <c>?</c> and <c>;</c>, double slashes
/// (<c>//proc/self/root</c>), backslashes, control characters, queries (<c>?</c>), fragments (<c>#</c>),
/// path parameters (<c>;</c>) and surrounding whitespace. The check is lexical: it never touches the
/// file system, so the artifact store must still refuse to follow links out of its root.
/// There is deliberately no way to skip the check (CVE-2026-2614 skipped it for prompt-tagged versions):
/// every create-model-version request must call <see cref="Validate"/>, whatever its tags.
/// </remarks>
public static partial class ModelSourceValidator
{
    /// <summary>The longest accepted source, in characters.</summary>
    /// <value>4096.</value>
    public const int MaxLength = 4096;

    private const string RunsPrefix = "runs:/";
    private const string ArtifactsPrefix = ArtifactUris.Scheme + ":/";
    private const string Expected =
        "Sources must be runs:/<run id>/<path>, models:/<name>/<version>, mlflow-artifacts:/<path> or a location inside Keel's artifact store";

    [GeneratedRegex("^[0-9a-f]{32}\\z", RegexOptions.CultureInvariant)]
    private static partial Regex RunId();

    [GeneratedRegex("^([A-Za-z][A-Za-z0-9+.\\-]*):", RegexOptions.CultureInvariant)]
    private static partial Regex SchemePattern();

    /// <summary>
    /// Checks <paramref name="source"/> and returns its canonical form.
    /// </summary>
    /// <param name="source">The <c>source</c> of a create-model-version request.</param>
    /// <param name="artifactRootUri">
    /// The artifact store's root: an absolute path, a <c>file:</c> URI, or an object-store URI such as
    /// <c>s3://bucket/prefix</c>. A relative path is made absolute against the current directory, as the
    /// server does when it opens the store.
    /// </param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE saying why the source is refused.</exception>
    public static string Validate(string? source, string artifactRootUri)
    {
        ArgumentException.ThrowIfNullOrEmpty(artifactRootUri);
        if (string.IsNullOrEmpty(source))
        {
            throw KeelException.InvalidParameter("Missing value for required parameter 'source'.");
        }

        CheckCharacters(source);
        var scheme = SchemePattern().Match(source) is { Success: true } match ? match.Groups[1].Value : null;
        try
        {
            return scheme?.ToLowerInvariant() switch
            {
                "runs" => ValidateRun(source),
                ModelUri.Scheme => ModelUri.Parse(source).ToString(),
                ArtifactUris.Scheme => ValidateProxied(source),
                "file" => ValidateFileUri(source, StoreRoot.Parse(artifactRootUri)),
                null when source.StartsWith('/') => ValidateLocalPath(source, StoreRoot.Parse(artifactRootUri)),
                null => throw Refuse(source, "relative paths are not allowed"),
                _ => ValidateOtherScheme(source, scheme, StoreRoot.Parse(artifactRootUri)),
            };
        }
        catch (KeelException error) when (!error.Message.StartsWith("Invalid model version source", StringComparison.Ordinal))
        {
            // A path or URI helper refused a part; say which source it was, and keep its reason.
            throw new KeelException(error.Code, Refuse(source, error.Message.TrimEnd('.')).Message, error);
        }
    }

    private static void CheckCharacters(string source)
    {
        if (source.Length > MaxLength)
        {
            throw Refuse(source, $"it is longer than {MaxLength} characters");
        }

        if (char.IsWhiteSpace(source[0]) || char.IsWhiteSpace(source[^1]))
        {
            throw Refuse(source, "leading or trailing whitespace is not allowed");
        }

        foreach (var c in source)
        {
            if (char.IsControl(c))
            {
                throw Refuse(source, "control characters (including NUL) are not allowed");
            }

            if (c == '\\')
            {
                throw Refuse(source, "backslashes are not allowed");
            }

            // A query, a fragment or path parameters let one parser see a different path than
            // another (CVE-2024-1558 hid '..' in a fragment; CVE-2024-1593 in ';' parameters).
            if (c is '?' or '#' or ';')
            {
                throw Refuse(source, "queries ('?'), fragments ('#') and path parameters (';') are not allowed");
            }
        }
    }

    private static string ValidateRun(string source)
    {
        if (!source.StartsWith(RunsPrefix, StringComparison.OrdinalIgnoreCase) || source.Length == RunsPrefix.Length
            || source[RunsPrefix.Length] == '/')
        {
            throw Refuse(source, "expected runs:/<run id>/<path>");
        }

        var rest = source[RunsPrefix.Length..];
        var slash = rest.IndexOf('/', StringComparison.Ordinal);
        var runId = slash < 0 ? rest : rest[..slash];
        if (!RunId().IsMatch(runId))
        {
            throw Refuse(source, "the run id must be 32 lower-case hexadecimal characters");
        }

        var path = Relative(slash < 0 ? string.Empty : rest[(slash + 1)..], encoded: true);
        return path.Length == 0 ? RunsPrefix + runId : RunsPrefix + runId + "/" + path;
    }

    private static string ValidateProxied(string source)
    {
        if (!source.StartsWith(ArtifactsPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw Refuse(source, "expected mlflow-artifacts:/<path>");
        }

        // Keel hands out mlflow-artifacts:/<path>; the authority form (mlflow-artifacts://host/...)
        // is refused with every other double slash.
        if (source.Length > ArtifactsPrefix.Length && source[ArtifactsPrefix.Length] == '/')
        {
            throw Refuse(source, "double slashes are not allowed; use mlflow-artifacts:/<path>");
        }

        var path = Relative(source[ArtifactsPrefix.Length..], encoded: true);
        return ArtifactsPrefix + path;
    }

    private static string ValidateFileUri(string source, StoreRoot root)
    {
        const string prefix = "file:";
        var rest = source[prefix.Length..];
        string path;
        if (rest.StartsWith("///", StringComparison.Ordinal))
        {
            path = rest[2..];
        }
        else if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            throw Refuse(source, "file URIs naming a host are not allowed");
        }
        else if (rest.StartsWith('/'))
        {
            path = rest;
        }
        else
        {
            throw Refuse(source, "file URIs must hold an absolute path");
        }

        ArtifactPath.EnsureNoEncodedSpecials(path);
        return UnderRoot(source, Uri.UnescapeDataString(path), root.FilePath, root);
    }

    private static string ValidateLocalPath(string source, StoreRoot root)
    {
        if (ContainsPercentEscape(source))
        {
            throw Refuse(source, "percent-encoded characters are not allowed in a path");
        }

        return UnderRoot(source, source, root.FilePath, root);
    }

    private static string ValidateOtherScheme(string source, string scheme, StoreRoot root)
    {
        if (root.FilePath is not null || !string.Equals(scheme, root.Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw Refuse(source, $"the '{scheme}' scheme does not name Keel's artifact store");
        }

        var rest = source[(scheme.Length + 1)..];
        if (!rest.StartsWith("//", StringComparison.Ordinal))
        {
            throw Refuse(source, $"expected {root.Scheme}://{root.Authority}/<path>");
        }

        var slash = rest.IndexOf('/', 2);
        var authority = slash < 0 ? rest[2..] : rest[2..slash];
        if (!string.Equals(authority, root.Authority, StringComparison.OrdinalIgnoreCase))
        {
            throw Refuse(source, "it is not inside Keel's artifact store");
        }

        var path = slash < 0 ? "/" : rest[slash..];
        ArtifactPath.EnsureNoEncodedSpecials(path);
        return UnderRoot(source, Uri.UnescapeDataString(path), root.ObjectPath, root);
    }

    private static string UnderRoot(string source, string absolutePath, string? rootPath, StoreRoot root)
    {
        if (rootPath is null)
        {
            throw Refuse(source, "it is not inside Keel's artifact store");
        }

        if (absolutePath.StartsWith("//", StringComparison.Ordinal) || absolutePath.Contains("//", StringComparison.Ordinal))
        {
            // "//proc/self/root/etc" reads as host "proc" to a URI parser and as "/proc/..." to the OS (CVE-2023-6977).
            throw Refuse(source, "double slashes are not allowed");
        }

        foreach (var segment in absolutePath.Split('/'))
        {
            if (segment.Length > 0 && segment.All(c => c == '.'))
            {
                throw Refuse(source, "'.' and '..' segments are not allowed");
            }
        }

        var path = absolutePath.Length > 1 ? absolutePath.TrimEnd('/') : absolutePath;
        string relative;
        if (string.Equals(path, rootPath, StringComparison.Ordinal))
        {
            relative = string.Empty;
        }
        else if (path.StartsWith(rootPath.EndsWith('/') ? rootPath : rootPath + "/", StringComparison.Ordinal))
        {
            relative = path[rootPath.Length..].TrimStart('/');
        }
        else
        {
            throw Refuse(source, $"it is not inside Keel's artifact store ({root.Display})");
        }

        return ArtifactsPrefix + Relative(relative, encoded: false);
    }

    private static string Relative(string path, bool encoded)
    {
        var normalized = encoded ? ArtifactPath.NormalizeEncoded(path) : ArtifactPath.Normalize(path);

        // Decoding may have produced '?' or ';' (from %3F, %3B); refuse them so the canonical
        // source reads the same to every parser.
        if (normalized.IndexOfAny(['?', '#', ';', '%']) >= 0)
        {
            throw KeelException.InvalidParameter("encoded '?', '#', ';' and '%' are not allowed");
        }

        if (normalized.Length > 0 && char.IsWhiteSpace(normalized[^1]))
        {
            throw KeelException.InvalidParameter("a path must not end with whitespace");
        }

        return normalized;
    }

    private static bool ContainsPercentEscape(string text)
    {
        for (var i = 0; i + 2 < text.Length; i++)
        {
            if (text[i] == '%' && char.IsAsciiHexDigit(text[i + 1]) && char.IsAsciiHexDigit(text[i + 2]))
            {
                return true;
            }
        }

        return false;
    }

    private static KeelException Refuse(string source, string why) =>
        KeelException.InvalidParameter(
            $"Invalid model version source '{ModelStages.Truncate(source)}': {why}. {Expected}.");
}
