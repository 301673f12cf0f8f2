using System.Buffers;
using Amazon.S3.Model;
using Keel.Core.Errors;

namespace Keel.Storage.Artifacts.S3;

public sealed partial class S3ArtifactStore
{
    /// <summary>How many single PUTs and multipart uploads this store completed (for tests and diagnostics).</summary>
    public (long SinglePuts, long MultipartUploads) UploadCounts => (Interlocked.Read(ref _singlePuts), Interlocked.Read(ref _multipartUploads));

    private long _singlePuts;
    private long _multipartUploads;

    /// <inheritdoc />
    /// <remarks>
    /// Reads at most <see cref="S3ArtifactStoreOptions.MultipartThresholdBytes"/> + 1 bytes before the first
    /// request: a shorter file is one PUT, a longer one a multipart upload whose parts are read and sent one
    /// at a time. A failed multipart upload is aborted, so no parts are left billed and nothing is visible.
    /// </remarks>
    public async Task WriteAsync(string path, Stream content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(content);
        var relative = RequireFilePath(path);
        await RefuseShapeConflictsAsync(relative, cancellationToken).ConfigureAwait(false);

        var key = Location.Key(relative);
        var threshold = (int)_options.MultipartThresholdBytes;
        var head = ArrayPool<byte>.Shared.Rent(threshold + 1);
        try
        {
            var read = await content.ReadAtLeastAsync(head.AsMemory(0, threshold + 1), threshold + 1, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read <= threshold)
            {
                using var body = new MemoryStream(head, 0, read, writable: false);
                await CallAsync(relative, () => _s3.PutObjectAsync(
                    new PutObjectRequest { BucketName = Location.Bucket, Key = key, InputStream = body, AutoCloseStream = false, UseChunkEncoding = false },
                    cancellationToken)).ConfigureAwait(false);
                Interlocked.Increment(ref _singlePuts);
                return;
            }

            await UploadInPartsAsync(relative, key, head.AsMemory(0, read), content, cancellationToken).ConfigureAwait(false);
            Interlocked.Increment(ref _multipartUploads);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(head);
        }
    }

    private async Task UploadInPartsAsync(string relative, string key, ReadOnlyMemory<byte> pending, Stream rest, CancellationToken cancellationToken)
    {
        var started = await CallAsync(relative, () => _s3.InitiateMultipartUploadAsync(
            new InitiateMultipartUploadRequest { BucketName = Location.Bucket, Key = key }, cancellationToken)).ConfigureAwait(false);
        var uploadId = started.UploadId;
        var partSize = (int)_options.PartSizeBytes;
        var part = ArrayPool<byte>.Shared.Rent(partSize);
        var etags = new List<PartETag>();
        try
        {
            while (true)
            {
                // A part is what is left of the first read, then the stream, up to the part size.
                var filled = Math.Min(pending.Length, partSize);
                pending[..filled].CopyTo(part);
                pending = pending[filled..];
                if (filled < partSize)
                {
                    filled += await rest.ReadAtLeastAsync(part.AsMemory(filled, partSize - filled), partSize - filled, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
                }

                if (filled == 0)
                {
                    break;
                }

                var number = etags.Count + 1;
                using var body = new MemoryStream(part, 0, filled, writable: false);
                var uploaded = await CallAsync(relative, () => _s3.UploadPartAsync(
                    new UploadPartRequest { BucketName = Location.Bucket, Key = key, UploadId = uploadId, PartNumber = number, InputStream = body, PartSize = filled, UseChunkEncoding = false },
                    cancellationToken)).ConfigureAwait(false);
                etags.Add(new PartETag(number, uploaded.ETag));
                if (filled < partSize)
                {
                    break;
                }

                if (etags.Count == 10_000)
                {
                    throw KeelException.InvalidParameter($"Artifact '{relative}' is larger than 10,000 parts of {partSize} bytes; raise Keel:S3:PartSizeBytes.");
                }
            }

            await CallAsync(relative, () => _s3.CompleteMultipartUploadAsync(
                new CompleteMultipartUploadRequest { BucketName = Location.Bucket, Key = key, UploadId = uploadId, PartETags = etags },
                cancellationToken)).ConfigureAwait(false);
        }
        catch
        {
            await AbortQuietlyAsync(key, uploadId).ConfigureAwait(false);
            throw;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(part);
        }
    }

    private async Task AbortQuietlyAsync(string key, string uploadId)
    {
        try
        {
            await _s3.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = Location.Bucket, Key = key, UploadId = uploadId }, CancellationToken.None).ConfigureAwait(false);
        }
#pragma warning disable CA1031 // Best effort: the upload already failed with a better error; a bucket lifecycle rule removes what is left.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }

    /// <summary>
    /// Keeps the store a tree, as a folder is: a file cannot replace a directory (keys below it), nor
    /// lie below a file. S3 itself would accept both and leave a name that is a file and a directory at once.
    /// </summary>
    private async Task RefuseShapeConflictsAsync(string relative, CancellationToken cancellationToken)
    {
        var ancestors = new List<string>();
        for (var slash = relative.IndexOf('/'); slash > 0; slash = relative.IndexOf('/', slash + 1))
        {
            ancestors.Add(relative[..slash]);
        }

        var directory = HasChildrenAsync(relative, cancellationToken);
        var files = ancestors.Select(a => ExistsAsync(a, cancellationToken)).ToList();
        await Task.WhenAll([directory, .. files]).ConfigureAwait(false);
        if (directory.Result)
        {
            throw KeelException.InvalidParameter($"Artifact '{relative}' is a directory; it cannot be overwritten by a file.");
        }

        if (files.Any(f => f.Result))
        {
            throw KeelException.InvalidParameter($"Cannot write artifact '{relative}': a parent of it is a file.");
        }
    }
}
