namespace Keel.Server.Tests.Infrastructure;

public sealed class ProtocolTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("multipart/form-data; boundary=x")]
    public async Task JsonEndpoints_RefuseCrossSiteContentTypes(string contentType)
    {
        var answer = await _client.ApiPostAsync("experiments/create", "{\"name\":\"csrf\"}", contentType);
        Assert.Equal(400, answer.Status);
        Assert.Equal("INVALID_PARAMETER_VALUE", answer.ErrorCode);
        Assert.Equal(404, (await _client.ApiGetAsync("experiments/get-by-name?experiment_name=csrf")).Status);
    }

    [Fact]
    public async Task JsonEndpoints_AcceptJsonWithCharset()
    {
        var answer = await _client.ApiPostAsync("experiments/create", "{\"name\":\"charset\"}", "application/json; charset=utf-8");
        Assert.Equal(200, answer.Status);
    }

    [Fact]
    public async Task MissingContentType_IsRefused()
    {
        using var content = new ByteArrayContent("{\"name\":\"none\"}"u8.ToArray());
        using var response = await _client.PostAsync(ApiClientExtensions.Base + "experiments/create", content);
        Assert.Equal(400, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"name\": 5}")]
    [InlineData("")]
    public async Task MalformedBodies_GetJsonErrorsNotServerErrors(string body)
    {
        var answer = await _client.ApiPostAsync("experiments/create", body);
        Assert.Equal(400, answer.Status);
        Assert.NotNull(answer.ErrorCode);
    }

    [Fact]
    public async Task UnknownEndpoint_IsEndpointNotFoundJson()
    {
        var answer = await _client.ApiGetAsync("experiments/teleport");
        Assert.Equal(404, answer.Status);
        Assert.Equal("ENDPOINT_NOT_FOUND", answer.ErrorCode);
    }

    [Fact]
    public async Task Errors_NeverEchoRequestHeaders()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, ApiClientExtensions.Base + "experiments/get?experiment_id=777777");
        request.Headers.TryAddWithoutValidation("X-Evil", "<script>alert(1)</script>");
        request.Headers.TryAddWithoutValidation("User-Agent", "<img src=x onerror=alert(1)>");
        using var response = await _client.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.DoesNotContain("<script>", body, StringComparison.Ordinal);
        Assert.DoesNotContain("onerror", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthAndVersion_Answer()
    {
        using var health = await _client.GetAsync("/health");
        Assert.Equal("OK", await health.Content.ReadAsStringAsync());
        using var version = await _client.GetAsync("/version");
        Assert.Matches(@"^\d+\.\d+\.\d+$", await version.Content.ReadAsStringAsync());
    }
}
