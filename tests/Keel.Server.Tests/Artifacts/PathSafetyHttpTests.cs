using System.Net;

namespace Keel.Server.Tests.Artifacts;

/// <summary>Every unsafe spelling of a path, sent raw over a real socket, is INVALID_PARAMETER_VALUE (400) JSON.</summary>
public sealed class PathSafetyHttpTests : IClassFixture<ArtifactsAppFactory>
{
    private const string Secret = "top secret outside the root";
    private readonly ArtifactsAppFactory _factory;
    private readonly HttpClient _client;

    public PathSafetyHttpTests(ArtifactsAppFactory factory)
    {
        _factory = factory;
        _client = factory.CreateClient();
        File.WriteAllText(Path.Join(factory.Folder, "secret.txt"), Secret);
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    /// <summary>Raw suffixes after <c>/mlflow-artifacts/artifacts/</c>, exactly as sent on the wire.</summary>
    public static TheoryData<string> UnsafeRawSuffixes => new()
    {
        // Plain parent segments.
        "../secret.txt",
        "../../etc/passwd",
        "a/../../secret.txt",
        "..",
        "...",
        "a/..",
        // Encoded dots, single and double.
        "%2e%2e/secret.txt",
        "%2E%2E/secret.txt",
        ".%2e/secret.txt",
        "%2e./secret.txt",
        "a/%2e%2e/%2e%2e/secret.txt",
        "%252e%252e/secret.txt",
        "%252E%252E/secret.txt",
        "%25252e%25252e/secret.txt",
        // Encoded slashes and backslashes, single and double.
        "..%2fsecret.txt",
        "..%2Fsecret.txt",
        "a%2f..%2f..%2fsecret.txt",
        "%2fetc%2fpasswd",
        "..%252fsecret.txt",
        "%252fetc%252fpasswd",
        "..%5csecret.txt",
        "..%5Csecret.txt",
        "..%255csecret.txt",
        // Absolute paths.
        "/etc/passwd",
        "//etc/passwd",
        "C:/Windows/win.ini",
        "C:%5cWindows",
        "file:///etc/passwd",
        "mlflow-artifacts:/0/x",
        // Control characters and fragments (an encoded NUL never gets past Kestrel: see below).
        "a%0Ab",
        "a%01b",
        "a%7Fb",
        "a%0d%0aSet-Cookie:%20x",
        "a%23b",
        // Reserved temporary names.
        ".keel-upload-0123",
        "%2ekeel-upload-0123",
        // Percent signs that form a further escape once decoded.
        "a%2520b",
        "%25%32%65%25%32%65/secret.txt",
    };

    [Theory]
    [MemberData(nameof(UnsafeRawSuffixes))]
    public async Task Download_UnsafeRawPath_IsInvalidParameterValue(string suffix) =>
        await AssertRefused(HttpMethod.Get, "/api/2.0/mlflow-artifacts/artifacts/" + suffix);

    [Theory]
    [MemberData(nameof(UnsafeRawSuffixes))]
    public async Task Upload_UnsafeRawPath_IsInvalidParameterValue(string suffix)
    {
        await AssertRefused(HttpMethod.Put, "/api/2.0/mlflow-artifacts/artifacts/" + suffix);
        AssertNothingWrittenOutsideRoot();
    }

    [Theory]
    [MemberData(nameof(UnsafeRawSuffixes))]
    public async Task Delete_UnsafeRawPath_IsInvalidParameterValue(string suffix)
    {
        await AssertRefused(HttpMethod.Delete, "/api/2.0/mlflow-artifacts/artifacts/" + suffix);
        Assert.Equal(Secret, await File.ReadAllTextAsync(Path.Join(_factory.Folder, "secret.txt"), Ct));
    }

    [Theory]
    [MemberData(nameof(UnsafeRawSuffixes))]
    public async Task AjaxPrefix_UnsafeRawPath_IsInvalidParameterValue(string suffix) =>
        await AssertRefused(HttpMethod.Get, "/ajax-api/2.0/mlflow-artifacts/artifacts/" + suffix);

    [Theory]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts/a/../../../../../../secret.txt")]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts/../../../mlflow/experiments/search")]
    [InlineData("/api/2.0/mlflow-artifacts/%2e%2e/artifacts/x")]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts/./../x")]
    [InlineData("/ajax-api/2.0/mlflow-artifacts/artifacts/%2e%2e/%2e%2e/%2e%2e/%2e%2e/secret.txt")]
    public async Task RawPathThatKestrelWouldNormaliseAway_IsStillRefused(string url) =>
        await AssertRefused(HttpMethod.Get, url);

    [Theory]
    [InlineData("a%00b")]
    [InlineData("%00")]
    [InlineData("%2500")]
    public async Task EncodedNulInUrlPath_IsRefusedWith400(string suffix)
    {
        // Kestrel rejects a decoded NUL in the request line itself (bare 400, no body) before any
        // middleware runs; a double-encoded one reaches Keel and gets the JSON error.
        using var request = HttpAssert.Raw(HttpMethod.Get, _client.BaseAddress!, "/api/2.0/mlflow-artifacts/artifacts/" + suffix);
        var response = await _client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
        Assert.True(body.Length == 0 || body.Contains("INVALID_PARAMETER_VALUE", StringComparison.Ordinal), body);
    }

    [Fact]
    public async Task RequestThatOnlyRoutesHereAfterNormalisation_IsRefused() =>
        await AssertRefused(HttpMethod.Get, "/api/2.0/other/../mlflow-artifacts/artifacts/x.txt");

    /// <summary>Query values are decoded once by the transport; what is left must be a safe path.</summary>
    public static TheoryData<string> UnsafeQueryValues => new()
    {
        "..",
        "../secret.txt",
        "..%2Fsecret.txt",
        "%2e%2e",
        "%2E%2E%2Fsecret.txt",
        "a%2F..%2F..",
        "%252e%252e",
        "%252F",
        "%2Fetc",
        "/etc",
        "%5C..",
        "a%5Cb",
        "%00",
        "a%0Ab",
        "C:%2FWindows",
        "file:%2F%2F%2Fetc",
        "%23",
        ".keel-upload-x",
    };

    [Theory]
    [MemberData(nameof(UnsafeQueryValues))]
    public async Task ProxyList_UnsafeQueryPath_IsInvalidParameterValue(string value) =>
        await AssertRefused(HttpMethod.Get, "/api/2.0/mlflow-artifacts/artifacts?path=" + value);

    [Theory]
    [MemberData(nameof(UnsafeQueryValues))]
    public async Task RunList_UnsafeQueryPath_IsInvalidParameterValue(string value) =>
        await AssertRefused(HttpMethod.Get, "/api/2.0/mlflow/artifacts/list?run_id=0123456789abcdef0123456789abcdef&path=" + value);

    [Fact]
    public async Task SymlinkOutOfRoot_IsRefusedAndHidden()
    {
        var outside = Directory.CreateDirectory(Path.Join(_factory.Folder, "outside-" + Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Join(outside, "data.txt"), Secret);
        var link = "link-" + Guid.NewGuid().ToString("N");
        Directory.CreateSymbolicLink(Path.Join(_factory.ArtifactsPath, link), outside);

        await AssertRefused(HttpMethod.Get, $"/api/2.0/mlflow-artifacts/artifacts/{link}/data.txt");
        await AssertRefused(HttpMethod.Put, $"/api/2.0/mlflow-artifacts/artifacts/{link}/new.txt");
        await AssertRefused(HttpMethod.Delete, $"/api/2.0/mlflow-artifacts/artifacts/{link}/data.txt");
        await AssertRefused(HttpMethod.Get, $"/api/2.0/mlflow-artifacts/artifacts?path={link}");
        var root = await _client.GetStringAsync("/api/2.0/mlflow-artifacts/artifacts", Ct);
        Assert.DoesNotContain(link, root, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Join(outside, "new.txt")));
        Assert.True(File.Exists(Path.Join(outside, "data.txt")));
    }

    [Fact]
    public async Task ErrorBody_NeverEchoesRequestHeaders()
    {
        const string Marker = "HEADER-MARKER-5f1d";
        using var request = HttpAssert.Raw(HttpMethod.Get, _client.BaseAddress!, "/api/2.0/mlflow-artifacts/artifacts/%2e%2e/x");
        request.Headers.Add("X-Custom", Marker);
        request.Headers.Add("Cookie", "session=" + Marker);
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", Marker);
        request.Headers.UserAgent.ParseAdd("agent-" + Marker);

        var response = await _client.SendAsync(request, Ct);

        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(Marker, body, StringComparison.Ordinal);
        Assert.DoesNotContain(Marker, string.Join(" ", response.Headers.Select(h => string.Join(",", h.Value))), StringComparison.Ordinal);
        Assert.DoesNotContain("<html", body, StringComparison.OrdinalIgnoreCase);
    }

    private async Task AssertRefused(HttpMethod method, string pathAndQuery)
    {
        using var request = HttpAssert.Raw(method, _client.BaseAddress!, pathAndQuery);
        if (method == HttpMethod.Put)
        {
            request.Content = new StringContent("payload");
        }

        var response = await _client.SendAsync(request, Ct);
        var message = await HttpAssert.Error(response, HttpStatusCode.BadRequest, "INVALID_PARAMETER_VALUE");
        Assert.StartsWith("Invalid path", message, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, message, StringComparison.Ordinal);
    }

    private void AssertNothingWrittenOutsideRoot()
    {
        var stray = Directory.EnumerateFileSystemEntries(_factory.Folder)
            .Select(Path.GetFileName)
            .Where(name => name is not "artifacts" and not "secret.txt" && !name!.StartsWith("keel.db", StringComparison.Ordinal) && !name.StartsWith("outside-", StringComparison.Ordinal))
            .ToList();
        Assert.Empty(stray);
        Assert.Equal(Secret, File.ReadAllText(Path.Join(_factory.Folder, "secret.txt")));
    }
}
