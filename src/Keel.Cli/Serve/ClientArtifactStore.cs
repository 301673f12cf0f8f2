using Keel.Client;
using Keel.Core.Artifacts;

namespace Keel.Cli.Serve;

/// <summary>
/// A read-only <see cref="IArtifactStore"/> over a tracking server's artifact proxy, so that
/// <c>keel serve</c> loads (and reloads) model versions the way the main server does. Listing
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
        throw new NotSupportedException("keel serve only reads artifacts.");

    public Task DeleteAsync(string path, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("keel serve only reads artifacts.");
}
