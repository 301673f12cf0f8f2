using Amazon.S3.Model;
using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Keel.Storage.Artifacts;
using Keel.Storage.Artifacts.S3;
using Keel.Tests.Shared;
using ArtifactFileInfo = Keel.Core.Protocol.FileInfo;

namespace Keel.Storage.Tests.Artifacts;

/// <summary>
/// The artifact-store compliance suite on a real S3-protocol server (s3rver, see <see cref="S3TestServer"/>),
/// with pages of 4 keys and 5 MiB parts so paging and multipart uploads are exercised; and what only S3 has.
/// Each test has its own bucket, with the store's root two levels below the bucket's root.
/// </summary>
public sealed class S3ArtifactStoreTests(S3TestServer server) : ArtifactStoreComplianceTests, IClassFixture<S3TestServer>
{
    private const long FiveMiB = 5L * 1024 * 1024;
    private const string Prefix = "team/keel";
    private string _bucket = string.Empty;

    private S3ArtifactStore S3 => (S3ArtifactStore)Store;

    protected override async Task<IArtifactStore> CreateStoreAsync()
    {
        _bucket = await server.CreateBucketAsync();
        return new S3ArtifactStore($"s3://{_bucket}/{Prefix}/", server.Options(multipartThreshold: FiveMiB, partSize: FiveMiB, listPageSize: 4));
    }

    protected override async Task<IReadOnlyList<string>> ItemsOutsideRootAsync() =>
        [.. (await server.KeysAsync(_bucket)).Where(k => !k.StartsWith(Prefix + "/", StringComparison.Ordinal))];

    [Fact]
    public void RootUri_IsTheNormalisedS3Uri() =>
        Assert.Equal($"s3://{_bucket}/{Prefix}", Store.RootUri);

    [Fact]
    public async Task WriteAsync_KeysAreUnderThePrefix()
    {
        await Store.WriteAsync("1/abc/artifacts/model/MLmodel", Text("m"), Ct);
        Assert.Equal([$"{Prefix}/1/abc/artifacts/model/MLmodel"], await server.KeysAsync(_bucket));
    }

    [Fact]
    public async Task WriteAsync_UpToTheThreshold_IsOnePut_AndAboveIsMultipartOnTheServer()
    {
        await Store.WriteAsync("at-threshold.bin", new GeneratedStream(FiveMiB), Ct);
        Assert.Equal((1L, 0L), S3.UploadCounts);

        var before = server.RequestLog.Count;
        await Store.WriteAsync("above.bin", new GeneratedStream((2 * FiveMiB) + 1, seed: 9), Ct);
        Assert.Equal((1L, 1L), S3.UploadCounts);

        // s3rver logs every request: the upload was initiated (?uploads), sent as three parts, and completed (?uploadId=).
        static bool Completed(string line) => line.Contains("above.bin?uploadId=", StringComparison.Ordinal) && line.Contains(" 200 ", StringComparison.Ordinal);
        var requests = await server.RequestsAsync(before, lines => lines.Any(Completed));
        var log = string.Join(Environment.NewLine, requests);
        Assert.True(requests.Count(l => l.Contains("above.bin?uploads ", StringComparison.Ordinal)) == 1, log);
        Assert.True(requests.Count(l => l.Contains("above.bin?partNumber=", StringComparison.Ordinal) && l.Contains(" 200 ", StringComparison.Ordinal)) == 3, log);
        Assert.True(requests.Count(Completed) == 1, log);
        await using var stream = await Store.OpenReadAsync("above.bin", Ct);
        Assert.Equal(GeneratedStream.Sha256Of((2 * FiveMiB) + 1, seed: 9), await System.Security.Cryptography.SHA256.HashDataAsync(stream, Ct));
    }

    [Fact]
    public async Task ListAsync_SkipsKeysNoArtifactPathCanName()
    {
        using var client = server.CreateClient();
        foreach (var key in (string[])[$"{Prefix}/d/ok.txt", $"{Prefix}/d/%2e%2e", $"{Prefix}/d/.keel-upload-123", $"{Prefix}/d/marker/", $"{Prefix}/d/a#b"])
        {
            await client.PutObjectAsync(new PutObjectRequest { BucketName = _bucket, Key = key, ContentBody = "x", UseChunkEncoding = false }, Ct);
        }

        Assert.Equal([new ArtifactFileInfo("d/marker", true), new ArtifactFileInfo("d/ok.txt", false, 1)], await Store.ListAsync("d", Ct));
        Assert.Empty(await Store.ListAsync("d/marker", Ct));
    }

    [Fact]
    public async Task MissingBucket_IsInvalidStateNamingTheBucket()
    {
        using var store = new S3ArtifactStore("s3://keel-no-such-bucket/x", server.Options());
        var error = await Assert.ThrowsAsync<KeelException>(() => store.ListAsync("", Ct));
        Assert.Equal(ErrorCode.InvalidState, error.Code);
        Assert.Contains("keel-no-such-bucket", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Open_S3Uri_IsAnS3Store_AndBadUrisAreRefused()
    {
        using var store = Assert.IsType<S3ArtifactStore>(ArtifactStores.Open($"s3://{_bucket}/a//b/", null, server.Options()));
        Assert.Equal($"s3://{_bucket}/a/b", store.RootUri);
        foreach (var bad in (string[])["s3://", "s3://UPPER/x", "s3://b/../x", "s3://bucket/x?versionId=1", "s3://bucket/%2e%2e/x", "gs://bucket/x"])
        {
            var error = Assert.Throws<KeelException>(() => ArtifactStores.Open(bad, null, server.Options()));
            Assert.Equal(ErrorCode.InvalidParameterValue, error.Code);
        }
    }

    [Fact]
    public void Options_TooSmallPartsOrBadEndpoint_AreRefused()
    {
        var smallParts = Assert.Throws<KeelException>(() => new S3ArtifactStore("s3://bucket/x", server.Options(partSize: 1024)));
        Assert.Equal(ErrorCode.InvalidParameterValue, smallParts.Code);
        var endpoint = Assert.Throws<KeelException>(() => new S3ArtifactStore("s3://bucket/x", new S3ArtifactStoreOptions { EndpointUrl = "ftp://host" }));
        Assert.Equal(ErrorCode.InvalidParameterValue, endpoint.Code);
    }

    [Fact]
    public void Options_EndpointFromMlflowVariable_WhenNoSettingIsGiven()
    {
        var environment = new Dictionary<string, string> { ["MLFLOW_S3_ENDPOINT_URL"] = "http://minio:9000", ["AWS_ENDPOINT_URL"] = "http://other:1" };
        Assert.Equal("http://minio:9000", new S3ArtifactStoreOptions().WithEnvironment(environment.GetValueOrDefault).EndpointUrl);
        Assert.Equal("http://setting:2", new S3ArtifactStoreOptions { EndpointUrl = "http://setting:2" }.WithEnvironment(environment.GetValueOrDefault).EndpointUrl);
    }

    public override async ValueTask InitializeAsync()
    {
        server.Require();
        await base.InitializeAsync();
    }
}
