using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Artifacts;

/// <summary>
/// The one gate between a stored location (a model version's source, a run's artifact URI) and a
/// read of Keel's artifact store. The registry accepts sources outside the store as metadata, as
/// MLflow does (<see cref="ModelSourceValidator.ValidateRegistration"/>); every path that reads,
/// lists, copies or serves files turns the location into a store path here, so such a source is
/// refused with a clear INVALID_PARAMETER_VALUE instead of being read.
/// </summary>
public static class StoreLocation
{
    /// <summary>
    /// The path of <paramref name="location"/> relative to the artifact store's root:
    /// <c>mlflow-artifacts:/a/b</c> → <c>a/b</c>, and a local path or <c>file:</c> URI under the root
    /// (checked by <see cref="ModelSourceValidator.Validate"/>) → its path under the root.
    /// </summary>
    /// <param name="location">A resolved location (<c>runs:/</c> already replaced by the run's artifact URI).</param>
    /// <param name="artifactRootUri">The store's root URI (<c>IArtifactStore.RootUri</c>).</param>
    /// <param name="subject">What the location belongs to, as the message names it, e.g. <c>Model version 'm' 3</c>.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE saying the location is outside Keel's store and is not read.</exception>
    public static string ToStorePath(string location, string artifactRootUri, string subject)
    {
        ArgumentNullException.ThrowIfNull(location);
        ArgumentException.ThrowIfNullOrEmpty(artifactRootUri);
        if (ArtifactUris.IsProxied(location))
        {
            return ArtifactUris.ToRelativePath(location);
        }

        if (!ArtifactUris.IsProxied(artifactRootUri))
        {
            try
            {
                var canonical = ModelSourceValidator.Validate(location, artifactRootUri);
                if (ArtifactUris.IsProxied(canonical))
                {
                    return ArtifactUris.ToRelativePath(canonical);
                }
            }
            catch (KeelException)
            {
                // Not inside the store: refused below with the reason.
            }
        }

        throw Outside(location, subject);
    }

    /// <summary>Whether <paramref name="location"/> lies inside the store (see <see cref="ToStorePath"/>).</summary>
    public static bool IsInStore(string? location, string artifactRootUri)
    {
        if (location is null)
        {
            return false;
        }

        try
        {
            ToStorePath(location, artifactRootUri, "location");
            return true;
        }
        catch (KeelException)
        {
            return false;
        }
    }

    /// <summary>The refusal for a location outside the store.</summary>
    public static KeelException Outside(string location, string subject) =>
        KeelException.InvalidParameter(
            $"{subject} is at '{Shown(location)}', outside Keel's artifact store. Keel records such a location (as MLflow does) but never reads, lists, copies or serves it: "
            + "read it with a client that can reach it, or register a copy inside the store (runs:/<run id>/<path> or mlflow-artifacts:/<path>).");

    private static string Shown(string s) => s.Length <= 300 ? s : s[..300] + "...";
}
