using Keel.Core.Artifacts;
using Keel.Core.Storage;
using Keel.Storage.Artifacts.S3;

namespace Keel.Storage.Artifacts;

/// <summary>
/// Opens the artifact store an artifacts URI names, for the server and the CLI alike:
/// <c>s3://bucket/prefix</c> is an <see cref="S3ArtifactStore"/>; a folder path or <c>file:///</c> URI a
/// <see cref="LocalArtifactStore"/>.
/// </summary>
public static class ArtifactStores
{
    /// <summary>
    /// The artifact root in the form the stores record and compare sources against: the absolute
    /// folder for a local store, <c>s3://bucket/prefix</c> (normalised) for S3.
    /// </summary>
    /// <exception cref="Core.Errors.KeelException">INVALID_PARAMETER_VALUE for an unsupported scheme or a bad S3 URI.</exception>
    public static string Root(string artifactsUri)
    {
        ArgumentNullException.ThrowIfNull(artifactsUri);
        return S3Location.IsS3(artifactsUri) ? S3Location.Parse(artifactsUri).Uri : StoreUris.ParseArtifactRoot(artifactsUri);
    }

    /// <summary>Opens the store at <paramref name="artifactsUri"/>.</summary>
    /// <param name="artifactsUri">A folder, <c>file:///path</c> or <c>s3://bucket/prefix</c>.</param>
    /// <param name="health">Where a local store reports a full disk; none when null.</param>
    /// <param name="s3">S3 settings (endpoint, region, part sizes); the environment and the SDK's defaults when null.</param>
    /// <param name="environment">Where S3 settings and credentials missing from <paramref name="s3"/> are read (the CLI's environment); the process's when null.</param>
    public static IArtifactStore Open(string artifactsUri, StorageHealth? health = null, S3ArtifactStoreOptions? s3 = null, Func<string, string?>? environment = null)
    {
        var root = Root(artifactsUri);
        return S3Location.IsS3(root) ? new S3ArtifactStore(root, s3, environment) : new LocalArtifactStore(root, health);
    }
}
