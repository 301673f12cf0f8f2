using Amazon;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using ArtifactFileInfo = Keel.Core.Protocol.FileInfo;

namespace Keel.Storage.Artifacts.S3;

/// <summary>
/// Artifacts under a prefix of an S3 bucket (AWS, or any S3-compatible store through
/// <see cref="S3ArtifactStoreOptions.EndpointUrl"/>). Keys are <c>&lt;prefix&gt;/&lt;path&gt;</c>; every path goes
/// through <see cref="ArtifactPath.Normalize"/> first, so nothing outside the prefix can be named, and
/// listed keys that are not valid artifact paths (written by other tools) are skipped. Directories are
/// key prefixes, as MLflow's S3 store sees them. Uploads stream: files up to
/// <see cref="S3ArtifactStoreOptions.MultipartThresholdBytes"/> go in one PUT, larger ones in parts of
/// <see cref="S3ArtifactStoreOptions.PartSizeBytes"/> (aborted on failure), so a reader sees the old object or
/// the complete new one, never a partial one. Downloads stream the object's body.
/// </summary>
public sealed partial class S3ArtifactStore : IArtifactStore, IDisposable
{
    private readonly IAmazonS3 _s3;
    private readonly S3ArtifactStoreOptions _options;

    /// <summary>Opens a store at <paramref name="root"/> (<c>s3://bucket/prefix</c>); nothing is requested until the first operation.</summary>
    /// <param name="root">The artifact root.</param>
    /// <param name="options">Endpoint, region, addressing, part sizes; the environment fills what is unset.</param>
    /// <param name="environment">Reads environment variables (<see cref="S3ArtifactStoreOptions.WithEnvironment"/>); the process's when null.</param>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE for a bad URI or bad options.</exception>
    public S3ArtifactStore(string root, S3ArtifactStoreOptions? options = null, Func<string, string?>? environment = null)
    {
        Location = S3Location.Parse(root);
        _options = (options ?? new S3ArtifactStoreOptions()).WithEnvironment(environment);
        _options.Validate();
        _s3 = CreateClient(_options);
    }

    /// <summary>The bucket and prefix.</summary>
    public S3Location Location { get; }

    /// <inheritdoc />
    public string RootUri => Location.Uri;

    /// <summary>The endpoint requests go to (null: AWS).</summary>
    public string? EndpointUrl => _options.EndpointUrl;

    /// <inheritdoc />
    public async Task<IReadOnlyList<ArtifactFileInfo>> ListAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.Normalize(path);
        var prefix = Location.DirectoryPrefix(relative);
        var entries = new List<ArtifactFileInfo>();
        var request = new ListObjectsV2Request { BucketName = Location.Bucket, Prefix = prefix, Delimiter = "/", MaxKeys = _options.ListPageSize };
        do
        {
            var page = await CallAsync(relative, () => _s3.ListObjectsV2Async(request, cancellationToken)).ConfigureAwait(false);
            foreach (var common in page.CommonPrefixes ?? [])
            {
                if (ChildName(common, prefix, trailingSlash: true) is { } name)
                {
                    entries.Add(new ArtifactFileInfo(ArtifactPath.Combine(relative, name), true));
                }
            }

            foreach (var item in page.S3Objects ?? [])
            {
                if (ChildName(item.Key, prefix, trailingSlash: false) is { } name)
                {
                    entries.Add(new ArtifactFileInfo(ArtifactPath.Combine(relative, name), false, item.Size ?? 0));
                }
            }

            request.ContinuationToken = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (request.ContinuationToken is { Length: > 0 });

        entries.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return entries;
    }

    /// <inheritdoc />
    public async Task<Stream> OpenReadAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = RequireFilePath(path);
        GetObjectResponse response;
        try
        {
            response = await _s3.GetObjectAsync(Location.Bucket, Location.Key(relative), cancellationToken).ConfigureAwait(false);
        }
        catch (AmazonS3Exception e) when (IsNotFound(e))
        {
            if (await HasChildrenAsync(relative, cancellationToken).ConfigureAwait(false))
            {
                throw KeelException.InvalidParameter($"Artifact '{relative}' is a directory; list it instead of downloading it.");
            }

            throw KeelException.NotFound($"Artifact '{relative}' does not exist.");
        }
        catch (Exception e) when (Translate(e, relative) is { } error)
        {
            throw error;
        }

        return new S3ObjectStream(response);
    }

    /// <inheritdoc />
    public async Task DeleteAsync(string path, CancellationToken cancellationToken = default)
    {
        var relative = ArtifactPath.Normalize(path);
        if (relative.Length == 0)
        {
            throw KeelException.InvalidParameter("Invalid path: the artifact root cannot be deleted.");
        }

        var found = false;
        if (await ExistsAsync(relative, cancellationToken).ConfigureAwait(false))
        {
            await CallAsync(relative, () => _s3.DeleteObjectAsync(Location.Bucket, Location.Key(relative), cancellationToken)).ConfigureAwait(false);
            found = true;
        }

        // A directory: every key under it, a page (at most 1,000 keys) per DeleteObjects request.
        var request = new ListObjectsV2Request { BucketName = Location.Bucket, Prefix = Location.DirectoryPrefix(relative), MaxKeys = _options.ListPageSize };
        do
        {
            var page = await CallAsync(relative, () => _s3.ListObjectsV2Async(request, cancellationToken)).ConfigureAwait(false);
            var keys = (page.S3Objects ?? []).Select(o => new KeyVersion { Key = o.Key }).ToList();
            if (keys.Count > 0)
            {
                found = true;
                var deleted = await CallAsync(relative, () => _s3.DeleteObjectsAsync(new DeleteObjectsRequest { BucketName = Location.Bucket, Objects = keys, Quiet = true }, cancellationToken)).ConfigureAwait(false);
                if (deleted.DeleteErrors is { Count: > 0 } errors)
                {
                    throw new KeelException(ErrorCode.TemporarilyUnavailable, $"Could not delete artifact '{relative}': the object store refused {errors.Count} key(s), e.g. '{errors[0].Key}': {errors[0].Code} {errors[0].Message}");
                }
            }

            // Deleting shifts what a continuation token points at on some stores; listing from the start
            // again is always right, because what was listed is gone.
            request.ContinuationToken = null;
            if (page.IsTruncated != true || keys.Count == 0)
            {
                break;
            }
        }
        while (true);

        if (!found)
        {
            throw KeelException.NotFound($"Artifact '{relative}' does not exist.");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _s3.Dispose();

    private static AmazonS3Client CreateClient(S3ArtifactStoreOptions options)
    {
        var config = new AmazonS3Config
        {
            // Checksums only where S3 requires them: many S3-compatible stores reject the SDK's
            // default trailing checksums (aws-chunked bodies).
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (options.EndpointUrl is { Length: > 0 } endpoint)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = options.Region ?? "us-east-1";
            config.ForcePathStyle = options.ForcePathStyle ?? true;
        }
        else
        {
            if (options.Region is { Length: > 0 } region)
            {
                config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
            }

            config.ForcePathStyle = options.ForcePathStyle ?? false;
        }

        return options.Credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(options.Credentials, config);
    }

    private static string RequireFilePath(string path)
    {
        var relative = ArtifactPath.Normalize(path);
        return relative.Length == 0
            ? throw KeelException.InvalidParameter("Invalid path: an artifact path is required.")
            : relative;
    }

    /// <summary>The child's name when it is one valid path segment; null for folder markers and keys no artifact path can name.</summary>
    private static string? ChildName(string key, string prefix, bool trailingSlash)
    {
        if (!key.StartsWith(prefix, StringComparison.Ordinal))
        {
            return null;
        }

        var name = key[prefix.Length..];
        if (trailingSlash)
        {
            if (!name.EndsWith('/'))
            {
                return null;
            }

            name = name[..^1];
        }

        if (name.Length == 0 || name.Contains('/', StringComparison.Ordinal))
        {
            return null;
        }

        try
        {
            return ArtifactPath.Normalize(name) == name ? name : null;
        }
        catch (KeelException)
        {
            return null;
        }
    }

    private async Task<bool> ExistsAsync(string relative, CancellationToken cancellationToken)
    {
        try
        {
            await _s3.GetObjectMetadataAsync(Location.Bucket, Location.Key(relative), cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (AmazonS3Exception e) when (IsNotFound(e))
        {
            return false;
        }
        catch (Exception e) when (Translate(e, relative) is { } error)
        {
            throw error;
        }
    }

    private async Task<bool> HasChildrenAsync(string relative, CancellationToken cancellationToken)
    {
        var request = new ListObjectsV2Request { BucketName = Location.Bucket, Prefix = Location.DirectoryPrefix(relative), MaxKeys = 1 };
        var page = await CallAsync(relative, () => _s3.ListObjectsV2Async(request, cancellationToken)).ConfigureAwait(false);
        return page.S3Objects is { Count: > 0 };
    }

    private async Task<T> CallAsync<T>(string relative, Func<Task<T>> call)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (Translate(e, relative) is { } error)
        {
            throw error;
        }
    }

    private static bool IsNotFound(AmazonS3Exception e) =>
        e.StatusCode == System.Net.HttpStatusCode.NotFound && e.ErrorCode is not "NoSuchBucket";

    /// <summary>The Keel error for a failure of the object store; null for errors that pass through (cancellation, Keel's own).</summary>
    private KeelException? Translate(Exception e, string relative) => e switch
    {
        KeelException or OperationCanceledException => null,
        AmazonS3Exception { ErrorCode: "NoSuchBucket" } => new KeelException(ErrorCode.InvalidState, $"The artifact store's bucket '{Location.Bucket}' does not exist at {EndpointName}.", e),
        AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.Forbidden or System.Net.HttpStatusCode.Unauthorized } s3 =>
            new KeelException(ErrorCode.InvalidState, $"The object store refused Keel's credentials for artifact '{relative}' in bucket '{Location.Bucket}' ({s3.ErrorCode}). Check AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY or the AWS profile.", e),
        AmazonS3Exception { StatusCode: System.Net.HttpStatusCode.NotFound } => KeelException.NotFound($"Artifact '{relative}' does not exist."),
        AmazonServiceException or AmazonClientException or HttpRequestException or IOException =>
            new KeelException(ErrorCode.TemporarilyUnavailable, $"The object store at {EndpointName} failed on artifact '{relative}': {e.Message}", e),
        _ => null,
    };

    private string EndpointName => _options.EndpointUrl ?? "AWS S3";
}
