using Keel.Core.Errors;

namespace Keel.Core.Artifacts;

/// <summary>
/// Artifact URIs served by Keel's artifact proxy: <c>mlflow-artifacts:/&lt;path&gt;</c> names
/// <c>&lt;artifact root&gt;/&lt;path&gt;</c>. Runs live under <c>mlflow-artifacts:/&lt;experiment&gt;/&lt;run&gt;/artifacts</c>,
/// as MLflow's server lays them out with <c>--serve-artifacts</c>.
/// </summary>
public static class ArtifactUris
{
    /// <summary>The scheme of proxied artifact URIs.</summary>
    public const string Scheme = "mlflow-artifacts";

    private const string SchemePrefix = Scheme + ":";

    /// <summary>An experiment's default artifact location: <c>mlflow-artifacts:/&lt;experimentId&gt;</c>.</summary>
    public static string ForExperiment(string experimentId)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentId);
        return SchemePrefix + "/" + ArtifactPath.Normalize(experimentId);
    }

    /// <summary>A run's artifact URI under its experiment's location: <c>&lt;location&gt;/&lt;runId&gt;/artifacts</c>.</summary>
    public static string ForRun(string experimentArtifactLocation, string runId)
    {
        ArgumentException.ThrowIfNullOrEmpty(experimentArtifactLocation);
        ArgumentException.ThrowIfNullOrEmpty(runId);
        return experimentArtifactLocation.TrimEnd('/') + "/" + ArtifactPath.Normalize(runId) + "/artifacts";
    }

    /// <summary>Whether <paramref name="uri"/> is an <c>mlflow-artifacts:</c> URI.</summary>
    public static bool IsProxied(string? uri) =>
        uri is not null && uri.StartsWith(SchemePrefix, StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// Maps <c>mlflow-artifacts:/a/b</c> (also <c>mlflow-artifacts:///a/b</c> and
    /// <c>mlflow-artifacts://host:port/a/b</c>, whose authority is ignored as in MLflow) to the
    /// normalised path <c>a/b</c> relative to the artifact root. The path is checked by
    /// <see cref="ArtifactPath.Normalize"/> after one percent-decoding, so
    /// <c>mlflow-artifacts:/../x</c> and its encodings are refused.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for other schemes and unsafe paths.</exception>
    public static string ToRelativePath(string uri)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (!IsProxied(uri))
        {
            throw KeelException.InvalidParameter($"Not an {Scheme} URI: '{Truncate(uri)}'.");
        }

        var rest = uri[SchemePrefix.Length..];
        if (rest.IndexOfAny(['?', '#']) >= 0)
        {
            throw KeelException.InvalidParameter($"An {Scheme} URI cannot have a query or a fragment: '{Truncate(uri)}'.");
        }

        if (rest.StartsWith("//", StringComparison.Ordinal))
        {
            // Authority form: skip "//host[:port]" up to the next slash.
            var slash = rest.IndexOf('/', 2);
            rest = slash < 0 ? string.Empty : rest[slash..];
        }

        return ArtifactPath.NormalizeEncoded(rest.TrimStart('/'));
    }

    private static string Truncate(string text) => text.Length > 200 ? text[..200] + "..." : text;
}
