using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace Keel.Server.Tests.Artifacts;

public sealed class ProxyEndpointsTests(ArtifactsAppFactory factory) : IClassFixture<ArtifactsAppFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static string Unique() => Guid.NewGuid().ToString("N");

    [Theory]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts")]
    [InlineData("/ajax-api/2.0/mlflow-artifacts/artifacts")]
    public async Task Upload_ThenDownload_RoundTripsBytesAsAttachment(string prefix)
    {
        var dir = Unique();
        var bytes = Enumerable.Range(0, 100_000).Select(i => (byte)(i % 251)).ToArray();

        var put = await _client.PutAsync($"{prefix}/{dir}/model/model.bin", new ByteArrayContent(bytes), Ct);
        await HttpAssert.EmptyOk(put);

        var get = await _client.GetAsync($"{prefix}/{dir}/model/model.bin", Ct);
        Assert.Equal(HttpStatusCode.OK, get.StatusCode);
        Assert.Equal(bytes, await get.Content.ReadAsByteArrayAsync(Ct));
        Assert.Equal("application/octet-stream", get.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", get.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("model.bin", get.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", get.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.True(File.Exists(Path.Join(factory.ArtifactsPath, dir, "model", "model.bin")));
    }

    [Theory]
    [InlineData("notes.txt", "text/plain")]
    [InlineData("metrics.json", "application/json")]
    [InlineData("MLmodel", "text/plain")]
    [InlineData("plot.png", "image/png")]
    [InlineData("page.html", "text/plain")]
    [InlineData("image.svg", "text/plain")]
    [InlineData("weights.onnx", "application/octet-stream")]
    public async Task Download_SetsSafeContentType(string name, string expected)
    {
        var path = $"/api/2.0/mlflow-artifacts/artifacts/{Unique()}/{name}";
        await HttpAssert.EmptyOk(await _client.PutAsync(path, new StringContent("<b>x</b>"), Ct));

        var get = await _client.GetAsync(path, Ct);

        Assert.Equal(expected, get.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Upload_SameNameTwice_Overwrites()
    {
        var path = $"/api/2.0/mlflow-artifacts/artifacts/{Unique()}/a.txt";
        await HttpAssert.EmptyOk(await _client.PutAsync(path, new StringContent("first, longer"), Ct));
        await HttpAssert.EmptyOk(await _client.PutAsync(path, new StringContent("second"), Ct));
        Assert.Equal("second", await _client.GetStringAsync(path, Ct));
    }

    [Fact]
    public async Task Upload_SpacesAndUnicode_DecodedOnce()
    {
        var dir = Unique();
        await HttpAssert.EmptyOk(await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}/my%20model/d%C3%A9j%C3%A0.txt", new StringContent("x"), Ct));
        Assert.True(File.Exists(Path.Join(factory.ArtifactsPath, dir, "my model", "déjà.txt")));
    }

    [Fact]
    public async Task Upload_LiteralPercentInName_IsStoredAsSent()
    {
        // requests (MLflow's client) sends "100%.txt" as "100%25.txt".
        var dir = Unique();
        await HttpAssert.EmptyOk(await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}/100%25.txt", new StringContent("x"), Ct));
        Assert.True(File.Exists(Path.Join(factory.ArtifactsPath, dir, "100%.txt")));
        Assert.Equal("x", await _client.GetStringAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}/100%25.txt", Ct));
    }

    [Fact]
    public async Task Upload_ChunkedBodyLargerThanKestrelDefaultLimit_IsAccepted()
    {
        var path = $"/api/2.0/mlflow-artifacts/artifacts/{Unique()}/big.bin";
        var size = 31L * 1024 * 1024;
        var content = new ZeroContent(size);
        var put = await _client.PutAsync(path, content, Ct);
        await HttpAssert.EmptyOk(put);

        var head = await _client.GetAsync(path, HttpCompletionOption.ResponseHeadersRead, Ct);
        Assert.Equal(size, head.Content.Headers.ContentLength);
    }

    [Theory]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts")]
    [InlineData("/ajax-api/2.0/mlflow-artifacts/artifacts")]
    public async Task List_ReturnsBaseNamesDirectoriesWithoutSize(string prefix)
    {
        var dir = Unique();
        await _client.PutAsync($"{prefix}/{dir}/b.txt", new StringContent("hello"), Ct);
        await _client.PutAsync($"{prefix}/{dir}/a/inner.txt", new StringContent("x"), Ct);

        using var json = await HttpAssert.Json(await _client.GetAsync($"{prefix}?path={dir}", Ct));

        Assert.Equal(
            $$"""{"files":[{"path":"a","is_dir":true},{"path":"b.txt","is_dir":false,"file_size":5}]}""",
            json.RootElement.GetRawText());
    }

    [Fact]
    public async Task List_NestedPathWithEncodedSlashInQuery_Works()
    {
        var dir = Unique();
        await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}/sub/c.txt", new StringContent("c"), Ct);

        using var json = await HttpAssert.Json(await _client.GetAsync($"/api/2.0/mlflow-artifacts/artifacts?path={dir}%2Fsub", Ct));

        Assert.Equal("""{"files":[{"path":"c.txt","is_dir":false,"file_size":1}]}""", json.RootElement.GetRawText());
    }

    [Fact]
    public async Task List_MissingFolderOrFile_IsEmpty()
    {
        var dir = Unique();
        using var missing = await HttpAssert.Json(await _client.GetAsync($"/api/2.0/mlflow-artifacts/artifacts?path={dir}", Ct));
        Assert.Equal("""{"files":[]}""", missing.RootElement.GetRawText());

        await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}/f.txt", new StringContent("f"), Ct);
        using var file = await HttpAssert.Json(await _client.GetAsync($"/api/2.0/mlflow-artifacts/artifacts?path={dir}/f.txt", Ct));
        Assert.Equal("""{"files":[]}""", file.RootElement.GetRawText());
    }

    [Fact]
    public async Task List_NoPath_ListsRoot()
    {
        var dir = Unique();
        await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}/f.txt", new StringContent("f"), Ct);

        using var json = await HttpAssert.Json(await _client.GetAsync("/api/2.0/mlflow-artifacts/artifacts", Ct));

        Assert.Contains(json.RootElement.GetProperty("files").EnumerateArray(), f => f.GetProperty("path").GetString() == dir && f.GetProperty("is_dir").GetBoolean());
    }

    [Theory]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts")]
    [InlineData("/ajax-api/2.0/mlflow-artifacts/artifacts")]
    public async Task Delete_FileThenFolder_RemovesThem(string prefix)
    {
        var dir = Unique();
        await _client.PutAsync($"{prefix}/{dir}/sub/a.txt", new StringContent("a"), Ct);
        await _client.PutAsync($"{prefix}/{dir}/sub/b.txt", new StringContent("b"), Ct);

        await HttpAssert.EmptyOk(await _client.DeleteAsync($"{prefix}/{dir}/sub/a.txt", Ct));
        await HttpAssert.Error(await _client.GetAsync($"{prefix}/{dir}/sub/a.txt", Ct), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");
        Assert.Equal("b", await _client.GetStringAsync($"{prefix}/{dir}/sub/b.txt", Ct));

        await HttpAssert.EmptyOk(await _client.DeleteAsync($"{prefix}/{dir}/sub", Ct));
        Assert.False(Directory.Exists(Path.Join(factory.ArtifactsPath, dir, "sub")));
    }

    [Fact]
    public async Task Delete_Missing_IsNotFound() =>
        await HttpAssert.Error(await _client.DeleteAsync($"/api/2.0/mlflow-artifacts/artifacts/{Unique()}/nope.txt", Ct), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

    [Theory]
    [InlineData("DELETE", "/api/2.0/mlflow-artifacts/artifacts")]
    [InlineData("DELETE", "/api/2.0/mlflow-artifacts/artifacts/")]
    [InlineData("DELETE", "/api/2.0/mlflow-artifacts/artifacts/.")]
    [InlineData("PUT", "/api/2.0/mlflow-artifacts/artifacts")]
    [InlineData("PUT", "/api/2.0/mlflow-artifacts/artifacts/")]
    public async Task RootWithoutPath_DownloadUploadDelete_AreInvalid(string method, string url)
    {
        using var request = HttpAssert.Raw(new HttpMethod(method), _client.BaseAddress!, url);
        if (method == "PUT")
        {
            request.Content = new StringContent("x");
        }

        await HttpAssert.Error(await _client.SendAsync(request, Ct), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.True(Directory.Exists(factory.ArtifactsPath));
    }

    [Fact]
    public async Task Download_Missing_IsNotFoundJson() =>
        await HttpAssert.Error(await _client.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{Unique()}/missing.bin", Ct), HttpStatusCode.NotFound, "RESOURCE_DOES_NOT_EXIST");

    [Fact]
    public async Task Download_Directory_IsInvalid()
    {
        var dir = Unique();
        await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}/f.txt", new StringContent("f"), Ct);
        await HttpAssert.Error(await _client.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}", Ct), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Upload_OverDirectoryOrBelowFile_IsInvalid()
    {
        var dir = Unique();
        await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}/d/f.txt", new StringContent("f"), Ct);
        await HttpAssert.Error(await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}/d", new StringContent("x"), Ct), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        await HttpAssert.Error(await _client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{dir}/d/f.txt/g", new StringContent("x"), Ct), HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
    }

    [Fact]
    public async Task Upload_EmptyBody_CreatesEmptyFile()
    {
        var path = $"/api/2.0/mlflow-artifacts/artifacts/{Unique()}/empty.txt";
        await HttpAssert.EmptyOk(await _client.PutAsync(path, new ByteArrayContent([]), Ct));
        Assert.Empty(await _client.GetByteArrayAsync(path, Ct));
    }

    [Fact]
    public async Task Head_ReturnsLengthAndTypeWithoutBody()
    {
        var path = $"/api/2.0/mlflow-artifacts/artifacts/{Unique()}/h.txt";
        await _client.PutAsync(path, new StringContent("12345"), Ct);

        var response = await _client.SendAsync(new HttpRequestMessage(HttpMethod.Head, path), Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(5, response.Content.Headers.ContentLength);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync(Ct));
    }

    [Fact]
    public async Task Download_RangeRequest_ReturnsPartialContent()
    {
        var path = $"/api/2.0/mlflow-artifacts/artifacts/{Unique()}/r.txt";
        await _client.PutAsync(path, new StringContent("0123456789"), Ct);
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Range = new RangeHeaderValue(2, 4);

        var response = await _client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("234", await response.Content.ReadAsStringAsync(Ct));
    }

    [Theory]
    [InlineData("/api/2.0/mlflow-artifacts/mpu/create/1/run/artifacts")]
    [InlineData("/api/2.0/mlflow-artifacts/mpu/create")]
    [InlineData("/api/2.0/mlflow-artifacts/mpu/complete/1/run/artifacts")]
    [InlineData("/ajax-api/2.0/mlflow-artifacts/mpu/abort/x")]
    public async Task MultipartUpload_IsNotImplementedWithTheMessageMlflowClientsFallBackOn(string url)
    {
        var response = await _client.PostAsync(url, new StringContent("""{"path": "big.bin", "num_parts": 3}""", Encoding.UTF8, "application/json"), Ct);

        var message = await HttpAssert.Error(response, HttpStatusCode.NotImplemented, "NOT_IMPLEMENTED");
        Assert.StartsWith("Multipart upload is not supported for the current artifact repository", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnknownProxyEndpoint_IsEndpointNotFoundJson() =>
        await HttpAssert.Error(await _client.GetAsync("/api/2.0/mlflow-artifacts/nothing-here", Ct), HttpStatusCode.NotFound, "ENDPOINT_NOT_FOUND");

    [Fact]
    public async Task UnsupportedMethod_IsJson405()
    {
        var response = await _client.PostAsync($"/api/2.0/mlflow-artifacts/artifacts/{Unique()}/x", new StringContent("x", Encoding.UTF8, "text/plain"), Ct);
        await HttpAssert.Error(response, HttpStatusCode.MethodNotAllowed, "ENDPOINT_NOT_FOUND");
    }

    /// <summary>Zeros of a given length, sent chunked (no Content-Length).</summary>
    private sealed class ZeroContent(long length) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            var chunk = new byte[1024 * 1024];
            for (var left = length; left > 0; left -= chunk.Length)
            {
                await stream.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, left)));
            }
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
