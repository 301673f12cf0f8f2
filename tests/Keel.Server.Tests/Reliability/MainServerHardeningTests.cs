using System.Net;
using System.Text;
using System.Text.Json;

namespace Keel.Server.Tests.Reliability;

/// <summary>Headers, body limits and /metrics methods on the main server (issue 10, items 3 and 9).</summary>
public sealed class MainServerHardeningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryResponse_CarriesTheSecurityHeaders_ErrorsIncluded()
    {
        await using var host = await KestrelHost.StartAsync("127.0.0.1", "--Keel:Hosting:MaxRequestBodyBytes=1000");
        using var client = new HttpClient { BaseAddress = host.Address };
        var responses = new List<HttpResponseMessage>
        {
            await client.GetAsync("health", Ct),
            await client.GetAsync("version", Ct),
            await client.GetAsync("metrics", Ct),
            await client.GetAsync("api/2.0/mlflow/experiments/get?experiment_id=424242", Ct),
            await client.GetAsync("no/such/path", Ct),
            await client.PostAsync("api/2.0/mlflow/experiments/create", Json(new string('x', 5000)), Ct),
            await client.PostAsync("metrics", Json("x"), Ct),
        };

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.MethodNotAllowed],
            responses.Select(r => r.StatusCode));
        foreach (var response in responses)
        {
            SecurityHeaders.AssertPresent(response);
            response.Dispose();
        }
    }

    [Fact]
    public async Task BodyOverTheLimit_Is413RequestTooLarge_NamingTheLimit_DeclaredOrChunked()
    {
        await using var host = await KestrelHost.StartAsync("127.0.0.1", "--Keel:Hosting:MaxRequestBodyBytes=1000");
        using var client = new HttpClient { BaseAddress = host.Address };

        using var declared = await client.PostAsync("api/2.0/mlflow/experiments/create", Json(new string('x', 2000)), Ct);
        await AssertTooLarge(declared);

        var chunked = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes($"{{\"name\":\"{new string('y', 5000)}\"}}")));
        chunked.Headers.ContentType = new("application/json");
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/2.0/mlflow/experiments/create") { Content = chunked };
        request.Headers.TransferEncodingChunked = true;
        using var streamed = await client.SendAsync(request, Ct);
        await AssertTooLarge(streamed);

        // Under the limit still works, on the same server.
        using var small = await client.PostAsync("api/2.0/mlflow/experiments/create", Json("small"), Ct);
        Assert.Equal(HttpStatusCode.OK, small.StatusCode);
    }

    [Fact]
    public async Task Metrics_AnswersGetAndHeadOnly_OtherMethodsGetJson405()
    {
        await using var host = await KestrelHost.StartAsync("127.0.0.1");
        using var client = new HttpClient { BaseAddress = host.Address };
        using var head = await client.SendAsync(new HttpRequestMessage(HttpMethod.Head, "metrics"), Ct);
        Assert.Equal(HttpStatusCode.OK, head.StatusCode);
        foreach (var method in new[] { HttpMethod.Post, HttpMethod.Put, HttpMethod.Delete })
        {
            using var response = await client.SendAsync(new HttpRequestMessage(method, "metrics") { Content = Json("x") }, Ct);
            Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
            Assert.Contains("GET", response.Content.Headers.Allow);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
            Assert.Equal("ENDPOINT_NOT_FOUND", body.RootElement.GetProperty("error_code").GetString());
        }
    }

    [Fact]
    public void InvalidHostingSettings_StopTheServerAtStartup_NamingEverySetting()
    {
        var folder = Directory.CreateTempSubdirectory("keel-hosting-bad-").FullName;
        var error = Assert.Throws<InvalidOperationException>(() => KeelServerApp.Build(
            ["--Keel:Hosting:MaxRequestBodyBytes=1000", "--Keel:Hosting:MaxBufferedBodyBytes=10", "--Keel:Hosting:MaxConnections=0"],
            o =>
            {
                o.Port = 0;
                o.BackendStoreUri = "sqlite:///" + Path.Combine(folder, "keel.db");
                o.ArtifactsUri = Path.Combine(folder, "artifacts");
            }));
        Assert.Contains("Keel:Hosting", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxBufferedBodyBytes", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxConnections", error.Message, StringComparison.Ordinal);
    }

    internal static async Task AssertTooLarge(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));
        Assert.Equal("REQUEST_TOO_LARGE", body.RootElement.GetProperty("error_code").GetString());
        var message = body.RootElement.GetProperty("message").GetString()!;
        Assert.Contains("1000 bytes", message, StringComparison.Ordinal);
        Assert.Contains("Keel:Hosting:MaxRequestBodyBytes", message, StringComparison.Ordinal);
    }

    private static StringContent Json(string name) =>
        new(JsonSerializer.Serialize(new { name }), Encoding.UTF8, "application/json");
}
