using System.Net;
using System.Text.Json;

namespace Keel.Server.Tests.Artifacts;

internal static class HttpAssert
{
    /// <summary>Asserts an MLflow JSON error with the given status and error_code; returns the message.</summary>
    public static async Task<string> Error(HttpResponseMessage response, HttpStatusCode status, string errorCode)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        Assert.Equal(errorCode, json.RootElement.GetProperty("error_code").GetString());
        return json.RootElement.GetProperty("message").GetString()!;
    }

    /// <summary>Asserts a 200 with an empty JSON object.</summary>
    public static async Task EmptyOk(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected OK, got {response.StatusCode}: {body}");
        Assert.Equal("{}", body);
    }

    public static async Task<JsonDocument> Json(HttpResponseMessage response)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"Expected OK, got {response.StatusCode}: {body}");
        return JsonDocument.Parse(body);
    }

    /// <summary>A request whose URL is sent exactly as written: no dot-segment removal, no unescaping.</summary>
    public static HttpRequestMessage Raw(HttpMethod method, Uri baseAddress, string pathAndQuery) =>
        new(method, new Uri(baseAddress.GetLeftPart(UriPartial.Authority) + pathAndQuery, new UriCreationOptions { DangerousDisablePathAndQueryCanonicalization = true }));
}
