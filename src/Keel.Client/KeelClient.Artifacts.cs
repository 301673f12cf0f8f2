using Keel.Client.Http;
using Keel.Core.Paging;
using Keel.Core.Protocol;
using FileInfo = Keel.Core.Protocol.FileInfo;

namespace Keel.Client;

public sealed partial class KeelClient
{
    /// <summary>One page of a run's artifact listing (MLflow <c>artifacts/list</c>); paths are relative to the run's artifact root.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="path">A directory under the run's artifact root; null or empty for the root.</param>
    /// <param name="pageToken">The previous page's token, or null.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public Task<ListArtifactsResponse> ListArtifactsPageAsync(string runId, string? path, string? pageToken, CancellationToken cancellationToken = default) =>
        GetJsonAsync<ListArtifactsResponse>(
            "artifacts/list",
            QueryString.Of("run_id", runId).Add("path", string.IsNullOrEmpty(path) ? null : path).Add("page_token", pageToken),
            cancellationToken);

    /// <summary>The direct children of a directory of a run's artifacts, walking every page.</summary>
    /// <param name="runId">The run.</param>
    /// <param name="path">A directory under the run's artifact root; null or empty for the root.</param>
    /// <param name="cancellationToken">Cancels the requests.</param>
    public async Task<IReadOnlyList<FileInfo>> ListArtifactsAsync(string runId, string? path = null, CancellationToken cancellationToken = default)
    {
        var pages = AllPagesAsync(
            async (token, ct) =>
            {
                var page = await ListArtifactsPageAsync(runId, path, token, ct).ConfigureAwait(false);
                return new PagedResult<FileInfo>(page.Files ?? [], EmptyToNull(page.NextPageToken));
            },
            cancellationToken);
        return await pages.ToListAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists a directory through the artifact proxy (<c>GET /api/2.0/mlflow-artifacts/artifacts?path=</c>).</summary>
    /// <param name="path">A directory relative to the server's artifact root, e.g. <c>1/&lt;run_id&gt;/artifacts</c>.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task<IReadOnlyList<FileInfo>> ListProxiedArtifactsAsync(string? path = null, CancellationToken cancellationToken = default)
    {
        var uri = new Uri(BaseAddress, ArtifactsProxyApi + QueryString.Of("path", string.IsNullOrEmpty(path) ? null : path));
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), replayable: true, cancellationToken).ConfigureAwait(false);
        var listing = await ReadJsonAsync<ListProxiedArtifactsResponse>(response, cancellationToken).ConfigureAwait(false);
        return listing.Files ?? [];
    }

    /// <summary>Downloads one file through the artifact proxy into <paramref name="destination"/>.</summary>
    /// <param name="path">A file relative to the server's artifact root.</param>
    /// <param name="destination">Receives the bytes; left open.</param>
    /// <param name="cancellationToken">Cancels the download.</param>
    public async Task DownloadArtifactAsync(string path, Stream destination, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var uri = ProxyUri(path);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), replayable: true, cancellationToken).ConfigureAwait(false);
        await response.Content.CopyToAsync(destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Uploads one file through the artifact proxy (<c>PUT</c> with the raw bytes as body).</summary>
    /// <param name="path">Where the file goes, relative to the server's artifact root.</param>
    /// <param name="content">The bytes, read from the current position; retried only when the stream can seek.</param>
    /// <param name="cancellationToken">Cancels the upload.</param>
    public async Task UploadArtifactAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var uri = ProxyUri(path);
        var start = content.CanSeek ? content.Position : 0;
        using var response = await SendAsync(
            () =>
            {
                if (content.CanSeek)
                {
                    content.Position = start;
                }

                var body = new StreamContent(new NonDisposingStream(content));
                body.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/octet-stream");
                return new HttpRequestMessage(HttpMethod.Put, uri) { Content = body };
            },
            content.CanSeek ? Replay.Always : Replay.Never,
            cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes a file or directory through the artifact proxy.</summary>
    /// <param name="path">Relative to the server's artifact root.</param>
    /// <param name="cancellationToken">Cancels the request.</param>
    public async Task DeleteArtifactAsync(string path, CancellationToken cancellationToken = default)
    {
        var uri = ProxyUri(path);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, uri), replayable: true, cancellationToken).ConfigureAwait(false);
    }

    private Uri ProxyUri(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries).Select(Uri.EscapeDataString);
        return new Uri(BaseAddress, ArtifactsProxyApi + "/" + string.Join('/', segments));
    }

    /// <summary>Lets HttpClient dispose the request content without closing the caller's stream.</summary>
    private sealed class NonDisposingStream(Stream inner) : Stream
    {
        public override bool CanRead => inner.CanRead;

        public override bool CanSeek => inner.CanSeek;

        public override bool CanWrite => false;

        public override long Length => inner.Length;

        public override long Position { get => inner.Position; set => inner.Position = value; }

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override long Seek(long offset, SeekOrigin origin) => inner.Seek(offset, origin);

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
