using System.Diagnostics;
using System.Runtime.ExceptionServices;
using Keel.Core.Artifacts;
using Keel.Core.Errors;

namespace Keel.Core.Registry;

/// <summary>A model version's source as the registry stores it.</summary>
/// <param name="Value">The stored source: the canonical Keel form when <paramref name="InStore"/>, else the source as given.</param>
/// <param name="InStore">
/// Whether the source names a location inside Keel's artifact store (<c>runs:/</c>, <c>models:/</c>,
/// <c>mlflow-artifacts:/</c> or a path under the root). Other sources are metadata: the server never reads them.
/// </param>
public sealed record ModelSource(string Value, bool InStore);

public static partial class ModelSourceValidator
{
    /// <summary>
    /// Schemes of locations outside Keel that a version may name, as MLflow allows: object stores and
    /// web servers a client reads itself. Keel records them and never reads them.
    /// </summary>
    public static readonly IReadOnlySet<string> ExternalSchemes =
        new HashSet<string>(StringComparer.OrdinalIgnoreCase) { "s3", "gs", "https", "http", "wasbs", "abfss", "hdfs" };

    /// <summary>
    /// The registry's rule for a new version's source, applied by every registry store (so the server,
    /// the CLI on a local store and the REST client all meet it). Accepted, as MLflow's
    /// <c>_validate_source_run</c> accepts them:
    /// <list type="bullet">
    /// <item>a source inside Keel's artifact store (<see cref="Validate"/>), stored in canonical form;</item>
    /// <item>a local path or <c>file:</c> URI inside the artifact location of the run named by <paramref name="runId"/>
    /// (an experiment created with a custom <c>artifact_location</c>), stored as given;</item>
    /// <item>a URI of an <see cref="ExternalSchemes">external scheme</see> (<c>s3://bucket/path</c>,
    /// <c>gs://</c>, <c>https://</c>...) with a host and a clean path, stored as given.</item>
    /// </list>
    /// Local paths outside both the store and the run's location stay refused, and every source meets
    /// <see cref="Validate"/>'s character rules (no <c>..</c>, encoded dots or slashes, backslashes,
    /// double slashes, control characters, queries, fragments or path parameters). Sources outside the
    /// store are metadata only: the server refuses to read, list, copy or serve them
    /// (<see cref="StoreLocation.ToStorePath"/>).
    /// </summary>
    /// <param name="source">The source of the request.</param>
    /// <param name="runId">The version's run id, when given. A <c>runs:/</c> source must name the same run.</param>
    /// <param name="artifactRootUri">Keel's artifact root, as for <see cref="Validate"/>.</param>
    /// <param name="runArtifactUri">Reads the artifact URI of a run from the store; null when there is no such run. Only called for a local source outside the store.</param>
    /// <returns>The source to store.</returns>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE saying why the source is refused.</exception>
    public static ModelSource ValidateRegistration(string? source, string? runId, string artifactRootUri, Func<string, string?> runArtifactUri)
    {
        ArgumentNullException.ThrowIfNull(runArtifactUri);
        ModelSource? accepted = null;
        ExceptionDispatchInfo? inStoreError = null;
        try
        {
            accepted = new ModelSource(Validate(source, artifactRootUri), InStore: true);
        }
        catch (KeelException e)
        {
            inStoreError = ExceptionDispatchInfo.Capture(e);
        }

        // Not inside the store: a run's own local location or an external URI, else the in-store refusal stands.
        accepted ??= Outside(source, runId, runArtifactUri);
        if (accepted is null)
        {
            inStoreError!.Throw();
            throw new UnreachableException();
        }

        if (runId is not null && RunsUri.TryParse(accepted.Value) is { } runs && runs.RunId != runId)
        {
            throw KeelException.InvalidParameter($"The source names run '{runs.RunId}' but run_id is '{runId}'.");
        }

        return accepted;
    }

    /// <summary>The source as an accepted location outside the store, null when it is not one (then the in-store refusal stands).</summary>
    private static ModelSource? Outside(string? source, string? runId, Func<string, string?> runArtifactUri)
    {
        // Empty, over-long or with unsafe characters: the in-store refusal already says why.
        if (string.IsNullOrEmpty(source) || source.Length > MaxLength || !HasSafeCharacters(source))
        {
            return null;
        }

        var scheme = SchemePattern().Match(source) is { Success: true } match ? match.Groups[1].Value : null;
        if (scheme is not null && ExternalSchemes.Contains(scheme))
        {
            return new ModelSource(ValidateExternal(source, scheme), InStore: false);
        }

        var isLocal = (scheme is null && source.StartsWith('/')) || string.Equals(scheme, "file", StringComparison.OrdinalIgnoreCase);
        if (!isLocal)
        {
            return null;
        }

        var path = LocalPath(source) ?? throw Refuse(source, "it is not a clean absolute path");
        var runLocation = runId is null ? null : runArtifactUri(runId);
        var runPath = runLocation is null ? null : LocalPath(runLocation);
        if (runPath is null || !IsUnder(path, runPath))
        {
            throw Refuse(
                source,
                "a local path must lie inside Keel's artifact store or inside the artifact location of the run given as run_id" +
                (runId is null ? " (no run_id was given)" : runLocation is null ? $" (run '{runId}' does not exist)" : $" ('{ModelStages.Truncate(runLocation)}')"));
        }

        return new ModelSource(source, InStore: false);
    }

    private static bool HasSafeCharacters(string source)
    {
        try
        {
            CheckCharacters(source);
            return true;
        }
        catch (KeelException)
        {
            return false;
        }
    }

    private static string ValidateExternal(string source, string scheme)
    {
        var rest = source[(scheme.Length + 1)..];
        if (!rest.StartsWith("//", StringComparison.Ordinal) || rest.Length == 2 || rest[2] == '/')
        {
            throw Refuse(source, $"expected {scheme.ToLowerInvariant()}://<host or bucket>/<path>");
        }

        var slash = rest.IndexOf('/', 2);
        var authority = slash < 0 ? rest[2..] : rest[2..slash];
        var at = authority.LastIndexOf('@');
        if (at >= 0 && (authority[..at].Contains(':', StringComparison.Ordinal) || scheme.StartsWith("http", StringComparison.OrdinalIgnoreCase)))
        {
            // Every reader of the version would see them; a client passes credentials its own way.
            // (Azure's wasbs://container@account/... names a container, not a user, and stays accepted.)
            throw Refuse(source, "credentials (user:password@) in a source URI are not allowed");
        }

        var path = slash < 0 ? "/" : rest[slash..];
        if (ContainsEncodedSpecial(path))
        {
            throw Refuse(source, "percent-encoded dots, slashes, backslashes, '#' and control characters are not allowed");
        }

        var decoded = Uri.UnescapeDataString(path);
        if (ContainsPercentEscape(decoded))
        {
            throw Refuse(source, "doubly percent-encoded characters are not allowed");
        }

        if (decoded.Contains("//", StringComparison.Ordinal) || decoded.Split('/').Any(s => s.Length > 0 && s.All(c => c == '.')))
        {
            // MLflow's _validate_non_local_source_contains_relative_paths: the path must read the same resolved.
            throw Refuse(source, "'.' and '..' segments and double slashes are not allowed");
        }

        if (decoded.Any(char.IsControl) || decoded.IndexOfAny(['\\', '?', '#', ';']) >= 0)
        {
            throw Refuse(source, "encoded control characters, backslashes, '?', '#' and ';' are not allowed");
        }

        return source;
    }

    /// <summary>The clean absolute path of a local path or <c>file:</c> URI; null when it is not one or is not clean.</summary>
    private static string? LocalPath(string location)
    {
        string path;
        if (location.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            var rest = location[5..];
            if (rest.StartsWith("///", StringComparison.Ordinal))
            {
                path = rest[2..];
            }
            else if (rest.StartsWith("//", StringComparison.Ordinal))
            {
                return null; // A host: not this machine's file system.
            }
            else
            {
                path = rest;
            }

            if (ContainsEncodedSpecial(path))
            {
                return null;
            }

            path = Uri.UnescapeDataString(path);
        }
        else
        {
            if (ContainsPercentEscape(location))
            {
                return null;
            }

            path = location;
        }

        if (!path.StartsWith('/') || path.Contains("//", StringComparison.Ordinal) || path.IndexOfAny(['\\', '\0', '?', '#', ';']) >= 0
            || path.Split('/').Any(s => s.Length > 0 && s.All(c => c == '.')))
        {
            return null;
        }

        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    private static bool ContainsEncodedSpecial(string path)
    {
        try
        {
            ArtifactPath.EnsureNoEncodedSpecials(path);
            return false;
        }
        catch (KeelException)
        {
            return true;
        }
    }

    private static bool IsUnder(string path, string root) =>
        string.Equals(path, root, StringComparison.Ordinal)
        || path.StartsWith(root.EndsWith('/') ? root : root + "/", StringComparison.Ordinal);
}
