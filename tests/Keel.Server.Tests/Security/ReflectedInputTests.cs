using System.Net;
using System.Text;
using Keel.Server.Tests.Artifacts;

namespace Keel.Server.Tests.Security;

/// <summary>
/// Echoed headers and reflected input: no request header is ever echoed, and what an error quotes
/// from the request (an id, a name, a path) is JSON with <c>&lt; &gt; &amp;</c> escaped, sent as
/// <c>application/json</c> with <c>nosniff</c>, so nothing renders it as HTML.
/// </summary>
public sealed class ReflectedInputTests(AuthOnServer server) : IClassFixture<AuthOnServer>
{
    private const string Markup = "<script>alert(1)</script><img src=x onerror=alert(2)>&amp;";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> ReflectingRequests => new()
    {
        "GET /api/2.0/mlflow/experiments/get?experiment_id={markup}",
        "GET /api/2.0/mlflow/experiments/get-by-name?experiment_name={markup}",
        "GET /api/2.0/mlflow/registered-models/get?name={markup}",
        "GET /api/2.0/mlflow/runs/get?run_id={markup}",
        "GET /api/2.0/mlflow/metrics/get-history?run_id=0123456789abcdef0123456789abcdef&metric_key={markup}",
        "GET /api/2.0/mlflow/{markup}",
        "GET /api/2.0/keel/deployments/get?name={markup}",
        "GET /api/2.0/mlflow-artifacts/artifacts/0/{markup}",
        "GET /serving/{markup}/ping",
        "POST /serving/{markup}/invocations",
        "GET /v2/models/{markup}",
        "POST /api/2.0/mlflow/runs/create {\"experiment_id\": \"{markup}\"}",
        "POST /api/2.0/mlflow/registered-models/create {\"name\": \"a/{markup}\"}",
    };

    [Theory]
    [MemberData(nameof(ReflectingRequests))]
    public async Task WhatAnErrorQuotes_IsEscapedJson_NeverMarkup(string line)
    {
        var parts = line.Split(' ', 3);
        var path = parts[1].Replace("{markup}", Uri.EscapeDataString(Markup), StringComparison.Ordinal);
        using var request = new HttpRequestMessage(new HttpMethod(parts[0]), path);
        if (parts.Length == 3)
        {
            request.Content = new StringContent(parts[2].Replace("{markup}", Markup, StringComparison.Ordinal), Encoding.UTF8, "application/json");
        }
        else if (parts[0] == "POST")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }

        using var response = await server.Admin().SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True((int)response.StatusCode >= 400, $"{line}: {(int)response.StatusCode} {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.DoesNotContain("<", body, StringComparison.Ordinal);
        Assert.DoesNotContain(">", body, StringComparison.Ordinal);
        Assert.DoesNotContain("&", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnEscapedMessage_ReadsBackAsWhatWasSent()
    {
        var answer = await server.Admin().GetAsync("/api/2.0/mlflow/registered-models/get?name=" + Uri.EscapeDataString(Markup), Ct);
        var body = await answer.Content.ReadAsStringAsync(Ct);
        using var json = System.Text.Json.JsonDocument.Parse(body);
        Assert.Contains(Markup, json.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/api/2.0/mlflow/experiments/search?max_results=1", null)]
    [InlineData("/api/2.0/mlflow/experiments/get?experiment_id=999999", null)]
    [InlineData("/api/2.0/mlflow/nothing-here", null)]
    [InlineData("/api/2.0/mlflow-artifacts/artifacts/%2e%2e/x", null)]
    [InlineData("/api/2.0/mlflow/experiments/search?max_results=1", "anonymous")]
    [InlineData("/health", null)]
    [InlineData("/", null)]
    public async Task NoRequestHeader_IsEchoed(string path, string? who)
    {
        const string Marker = "ECHO-7d2f";
        var client = who is null ? server.Admin() : server.Anonymous();
        using var request = HttpAssert.Raw(HttpMethod.Get, client.BaseAddress!, path);
        foreach (var header in new[] { "X-Forwarded-Host", "X-Forwarded-For", "X-Original-URL", "X-Rewrite-URL", "Referer", "Origin", "X-Keel-User", "X-Custom", "Accept-Language" })
        {
            request.Headers.TryAddWithoutValidation(header, Marker + "<b>" + header);
        }

        request.Headers.TryAddWithoutValidation("Cookie", "session=" + Marker);
        request.Headers.UserAgent.ParseAdd("agent-" + Marker);
        using var response = await client.SendAsync(request, Ct);
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(Marker, body, StringComparison.Ordinal);
        var headers = response.Headers.Concat(response.Content.Headers).SelectMany(h => h.Value.Select(v => h.Key + ": " + v)).ToList();
        Assert.DoesNotContain(headers, h => h.Contains(Marker, StringComparison.Ordinal));
        Assert.NotEqual(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task AnHtmlArtifact_IsDownloadedAsText_Sandboxed_NotRendered()
    {
        var client = server.Admin();
        var experiment = await Infrastructure.ApiClientExtensions.CreateExperimentAsync(client);
        foreach (var name in new[] { "page.html", "page.htm", "image.svg", "script.js", "page.xhtml" })
        {
            using (var put = await client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{experiment}/{name}", new StringContent("<html><script>alert(1)</script></html>"), Ct))
            {
                Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            }

            using var response = await client.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{experiment}/{name}", Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Contains(response.Content.Headers.ContentType?.MediaType, new[] { "text/plain", "application/octet-stream" });
            Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
            Assert.Contains("sandbox", Assert.Single(response.Headers.GetValues("Content-Security-Policy")), StringComparison.Ordinal);
        }
    }
}
