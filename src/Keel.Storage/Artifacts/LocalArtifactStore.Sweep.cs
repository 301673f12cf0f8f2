using Keel.Core.Artifacts;

namespace Keel.Storage.Artifacts;

public sealed partial class LocalArtifactStore
{
    /// <summary>
    /// Deletes temporary upload files (<see cref="ArtifactPath.TempPrefix"/>) last written before
    /// <paramref name="olderThan"/>: what uploads killed mid-way (a crash, <c>kill -9</c>) left
    /// behind. They were never visible or addressable; this only gives the space back. Symbolic
    /// links are not followed, so the sweep never leaves the root.
    /// </summary>
    /// <returns>How many files were removed.</returns>
    public int SweepAbandonedUploads(DateTimeOffset olderThan, CancellationToken cancellationToken = default)
    {
        if (!Directory.Exists(_root))
        {
            return 0;
        }

        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint,
            IgnoreInaccessible = true,
        };
        var removed = 0;
        foreach (var file in new DirectoryInfo(_root).EnumerateFiles(ArtifactPath.TempPrefix + "*", options))
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (file.LastWriteTimeUtc < olderThan.UtcDateTime)
            {
                try
                {
                    file.Delete();
                    removed++;
                }
                catch (IOException)
                {
                    // Another process may be finishing it; the next sweep will see.
                }
                catch (UnauthorizedAccessException)
                {
                    // Not ours to delete.
                }
            }
        }

        return removed;
    }
}
