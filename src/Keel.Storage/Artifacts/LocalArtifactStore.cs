using Keel.Core.Artifacts;

namespace Keel.Storage.Artifacts;

/// <summary>Artifacts in a local folder. (Being written in the artifacts work item.)</summary>
public sealed class LocalArtifactStore(string root) : IArtifactStore
{
    public string RootUri { get; } = new Uri(Path.GetFullPath(root)).AbsoluteUri;

    public Task<IReadOnlyList<Core.Protocol.FileInfo>> ListAsync(string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default) => throw new NotSupportedException();

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) => throw new NotSupportedException();
}
