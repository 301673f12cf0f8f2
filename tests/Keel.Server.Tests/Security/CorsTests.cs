using System.Net;
using System.Text;

namespace Keel.Server.Tests.Security;

/// <summary>
/// CORS: an allowlist of origins (<c>Keel:Cors:AllowedOrigins</c>), empty by default. Other origins
/// get no <c>Access-Control-Allow-*</c> header and a refused preflight; a listed origin gets exactly
/// itself echoed with credentials, never <c>*</c>.
/// </summary>
public sealed class CorsTests(CorsServer configured, AuthOffServer unconfigured) : IClassFixture<CorsServer>, IClassFixture<AuthOffServer>
{
    private const string Search = "/api/2.0/mlflow/experiments/search?max_results=1";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://127.0.0.1:1")]
    [InlineData("null")]
    public async Task ByDefault_NoOrigin_GetsCorsHeaders_AndEveryPreflightIsRefused(string origin)
    {
        var (status, _, response) = await Refusal.SendRawAsync(unconfigured.Anonymous(), HttpMethod.Get, Search, null, new Dictionary<string, string> { ["Origin"] = origin });
        Assert.Equal(HttpStatusCode.OK, status);
        AssertNoCorsHeaders(response);

        var preflight = await PreflightAsync(unconfigured.Anonymous(), origin);
        Refusal.Assert(preflight.Status, preflight.Body, preflight.Response, [403], ["PERMISSION_DENIED"], "preflight " + origin);
        AssertNoCorsHeaders(preflight.Response);
    }

    [Theory]
    [InlineData("https://app.example.com")]
    [InlineData("http://localhost:3000")]
    public async Task AListedOrigin_PassesThePreflight_WithoutCredentials_AndGetsExactlyItselfEchoed(string origin)
    {
        var preflight = await PreflightAsync(configured.Anonymous(), origin);
        Assert.Equal(HttpStatusCode.NoContent, preflight.Status);
        Assert.Equal(origin, Single(preflight.Response, "Access-Control-Allow-Origin"), ignoreCase: true);
        Assert.Equal("true", Single(preflight.Response, "Access-Control-Allow-Credentials"));
        Assert.Contains("POST", Single(preflight.Response, "Access-Control-Allow-Methods"), StringComparison.Ordinal);

        var (status, _, response) = await Refusal.SendRawAsync(
            configured.Admin(), HttpMethod.Get, Search, null, new Dictionary<string, string> { ["Origin"] = origin, ["Sec-Fetch-Site"] = "cross-site" });
        Assert.Equal(HttpStatusCode.OK, status);
        var echoed = Single(response, "Access-Control-Allow-Origin");
        Assert.NotEqual("*", echoed);
        Assert.Equal(origin, echoed, ignoreCase: true);
        Assert.Equal("true", Single(response, "Access-Control-Allow-Credentials"));
        Assert.Contains("Origin", response.Headers.Vary);
    }

    [Fact]
    public async Task AListedOrigin_MayChangeState_CrossSite()
    {
        var name = "from-app-" + Guid.NewGuid().ToString("N");
        var (status, body, response) = await Refusal.SendRawAsync(
            configured.Admin(), HttpMethod.Post, "/api/2.0/mlflow/experiments/create",
            new StringContent($$"""{"name": "{{name}}"}""", Encoding.UTF8, "application/json"),
            new Dictionary<string, string> { ["Origin"] = CorsServer.AllowedOrigin, ["Sec-Fetch-Site"] = "cross-site" });
        Assert.True(status == HttpStatusCode.OK, body);
        Assert.Equal(CorsServer.AllowedOrigin, Single(response, "Access-Control-Allow-Origin"));
    }

    [Theory]
    [InlineData("https://evil.example")]
    [InlineData("http://app.example.com")] // The scheme differs.
    [InlineData("https://app.example.com:8443")] // The port differs.
    [InlineData("https://app.example.com.evil.example")]
    [InlineData("https://evil-app.example.com")]
    [InlineData("null")]
    public async Task AnOriginNotListed_GetsNoCorsHeaders_AndItsPreflightIsRefused(string origin)
    {
        var (status, _, response) = await Refusal.SendRawAsync(configured.Admin(), HttpMethod.Get, Search, null, new Dictionary<string, string> { ["Origin"] = origin });
        Assert.Equal(HttpStatusCode.OK, status);
        AssertNoCorsHeaders(response);

        var preflight = await PreflightAsync(configured.Anonymous(), origin);
        Refusal.Assert(preflight.Status, preflight.Body, preflight.Response, [403], ["PERMISSION_DENIED"], "preflight " + origin);
        AssertNoCorsHeaders(preflight.Response);
        Assert.DoesNotContain(origin, preflight.Body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("*")]
    [InlineData("https://*.example.com")]
    [InlineData("https://app.example.com/path")]
    [InlineData("app.example.com")]
    [InlineData("ftp://app.example.com")]
    public void AWildcardOrMalformedOrigin_StopsTheServerAtStartUp(string origin)
    {
        var folder = Directory.CreateTempSubdirectory("keel-cors-").FullName;
        try
        {
            var e = Assert.Throws<InvalidOperationException>(() => KeelServerApp.Build(["--Keel:Cors:AllowedOrigins:0=" + origin], o =>
            {
                o.Port = 0;
                o.BackendStoreUri = "sqlite:///" + Path.Combine(folder, "keel.db");
                o.ArtifactsUri = Path.Combine(folder, "artifacts");
            }));
            Assert.Contains("Keel:Cors:AllowedOrigins", e.Message, StringComparison.Ordinal);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<(HttpStatusCode Status, string Body, HttpResponseMessage Response)> PreflightAsync(HttpClient client, string origin) =>
        await Refusal.SendRawAsync(client, HttpMethod.Options, "/api/2.0/mlflow/experiments/create", null, new Dictionary<string, string>
        {
            ["Origin"] = origin,
            ["Access-Control-Request-Method"] = "POST",
            ["Access-Control-Request-Headers"] = "authorization, content-type",
        });

    private static string Single(HttpResponseMessage response, string header) =>
        Assert.Single(response.Headers.TryGetValues(header, out var values) ? values : []);

    private static void AssertNoCorsHeaders(HttpResponseMessage response)
    {
        var cors = response.Headers.Concat(response.Content.Headers).Where(h => h.Key.StartsWith("Access-Control-", StringComparison.OrdinalIgnoreCase)).Select(h => h.Key).ToList();
        Assert.True(cors.Count == 0, "Unexpected CORS headers: " + string.Join(", ", cors));
        _ = Ct;
    }
}
