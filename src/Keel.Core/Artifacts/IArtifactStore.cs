namespace Keel.Core.Artifacts;

/// <summary>
/// Artifact storage under one root. Every path is relative to the root and is checked by
/// <c>ArtifactPath.Normalize</c>: nothing can name a file outside the root.
/// Writes are atomic: a reader never sees a partial file under its final name.
/// </summary>
public interface IArtifactStore
{
    /// <summary>The root as a URI (e.g. <c>file:///srv/keel/artifacts</c>).</summary>
    string RootUri { get; }

    /// <summary>Lists the direct children of a directory ("" for the root); empty when it does not exist.</summary>
    Task<IReadOnlyList<Protocol.FileInfo>> ListAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Opens a file for reading; RESOURCE_DOES_NOT_EXIST when absent.</summary>
    Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Writes a file from a stream via a temporary file renamed into place.</summary>
    Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default);

    /// <summary>Deletes a file or a directory tree; RESOURCE_DOES_NOT_EXIST when absent.</summary>
    Task DeleteAsync(string path, CancellationToken cancellationToken = default);
}
