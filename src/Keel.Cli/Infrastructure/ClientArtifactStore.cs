using Keel.Client;
using Keel.Core.Artifacts;

namespace Keel.Cli.Infrastructure;

/// <summary>
/// An <see cref="IArtifactStore"/> over a tracking server's artifact proxy
/// (<c>/api/2.0/mlflow-artifacts/artifacts</c>), so that commands read and write a server's
/// artifacts the way they read and write a local store (<c>LocalArtifactStore</c>). Listing
/// answers full paths under the listed folder, whatever form the server gives.
/// </summary>
internal sealed class ClientArtifactStore(KeelClient client) : IArtifactStore
{
    public string RootUri => "mlflow-artifacts:/";

    public async Task<IReadOnlyList<Core.Protocol.FileInfo>> ListAsync(string path, CancellationToken cancellationToken = default)
    {
        var folder = ArtifactPath.Normalize(path);
        var entries = await client.ListProxiedArtifactsAsync(folder, cancellationToken).ConfigureAwait(false);
        return entries
            .Select(e => e with { Path = folder + "/" + Path.GetFileName(e.Path.TrimEnd('/')) })
            .Where(e => Path.GetFileName(e.Path) is { Length: > 0 } name && name is not "." and not "..")
            .ToList();
    }

    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var buffer = new MemoryStream();
        await client.DownloadArtifactAsync(path, buffer, cancellationToken).ConfigureAwait(false);
        buffer.Position = 0;
        return buffer;
    }

    public Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default) =>
        client.UploadArtifactAsync(path, content, cancellationToken);

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        client.DeleteArtifactAsync(path, cancellationToken);
}
