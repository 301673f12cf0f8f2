using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Core.Tracking;

namespace Keel.Monitoring.Reference;

/// <summary>
/// Reads a registered version's files from Keel's artifact store without downloading the model:
/// its package folder (a <c>runs:/</c> source through the run's artifact URI; a source outside the
/// store is refused by Core's <see cref="StoreLocation"/>), its descriptor, small files in it.
/// </summary>
/// <param name="Tracking">Runs, for <c>runs:/</c> sources.</param>
/// <param name="Artifacts">The artifact store.</param>
public sealed record ModelVersionFiles(ITrackingStore Tracking, IArtifactStore Artifacts)
{
    /// <summary>The largest reference or profile file read (256 MiB).</summary>
    public const long MaxFileBytes = 256L << 20;

    /// <summary>The version's package folder as a path in the artifact store.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the source lies outside the store.</exception>
    public async Task<string> PackagePathAsync(ModelVersion version, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        var location = version.Source;
        if (RunsUri.TryParse(version.Source) is { } runs)
        {
            var run = await Tracking.GetRunAsync(runs.RunId, cancellationToken).ConfigureAwait(false);
            location = runs.Under(run.Info.ArtifactUri);
        }

        return StoreLocation.ToStorePath(location, Artifacts.RootUri, $"Model version '{version.Name}' {version.Version}").TrimEnd('/');
    }

    /// <summary>The version's <c>keel-model.json</c>.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the package has none (not a Keel package) or it is invalid.</exception>
    public async Task<ModelMetadata> MetadataAsync(ModelVersion version, string packagePath, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(version);
        var bytes = await ReadAsync(packagePath + "/" + ModelPackage.MetadataFileName, ModelPackageLimits.MaxDescriptorBytes, cancellationToken).ConfigureAwait(false)
            ?? throw KeelException.InvalidParameter($"Model version {version.Name}/{version.Version} has no {ModelPackage.MetadataFileName} at its source: it is not a Keel model package, so its inputs have no signature to monitor against.");
        return ModelPackage.ReadMetadata(bytes);
    }

    /// <summary>A file's bytes, or null when it does not exist.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when it is larger than <paramref name="maxBytes"/>.</exception>
    public async Task<byte[]?> ReadAsync(string path, long maxBytes = MaxFileBytes, CancellationToken cancellationToken = default)
    {
        Stream stream;
        try
        {
            stream = await Artifacts.OpenReadAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist)
        {
            return null;
        }

        await using (stream.ConfigureAwait(false))
        {
            using var buffer = new MemoryStream();
            var chunk = new byte[1 << 16];
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                if (buffer.Length + read > maxBytes)
                {
                    throw KeelException.InvalidParameter($"'{path}' in the artifact store is larger than {maxBytes} bytes.");
                }

                buffer.Write(chunk, 0, read);
            }

            return buffer.ToArray();
        }
    }
}
