using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Security;

/// <summary>
/// MLflow's unauthenticated side endpoints (its /metrics, /graphql, /ajax-api and static routes were
/// CVE material): with auth on, every endpoint the app maps (EndpointDataSource) is called without
/// credentials, and only the documented allowlist answers; the rest are 401 UNAUTHENTICATED.
/// </summary>
public sealed partial class UnauthenticatedEndpointTests(AuthOnServer server) : IClassFixture<AuthOnServer>
{
    /// <summary>The public allowlist (docs/security.md): health probes, the version, the UI's files, and the one-time setup call.</summary>
    private static readonly HashSet<string> Public = new(StringComparer.Ordinal)
    {
        "GET /health",
        "GET /version",
        "GET /v2/health/live",
        "GET /v2/health/ready",
        "GET /v2",
        "GET /",
        "POST /api/2.0/keel/auth/setup",
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task WithAuthOn_OnlyTheDocumentedAllowlist_AnswersWithoutCredentials()
    {
        var client = server.Anonymous();
        var endpoints = server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? ["GET"]).Select(m => (Method: m, Pattern: "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'))))
            .Distinct()
            .ToList();
        Assert.True(endpoints.Count > 100, $"Only {endpoints.Count} endpoints.");
        var open = new List<string>();
        var publicSeen = new List<string>();
        foreach (var (method, pattern) in endpoints)
        {
            var key = method + " " + pattern;
            using var request = new HttpRequestMessage(new HttpMethod(method), Url(pattern));
            if (method is "POST" or "PUT" or "PATCH" or "DELETE")
            {
                request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
            }

            using var response = await client.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            var isPublic = Public.Contains(key) || pattern.StartsWith("/ui/", StringComparison.Ordinal);
            if (isPublic)
            {
                publicSeen.Add(key);
                Assert.True(response.StatusCode != HttpStatusCode.Unauthorized, $"{key} is public but answered 401");
                continue;
            }

            // A HEAD answer has no body: its status and WWW-Authenticate say enough.
            if (response.StatusCode != HttpStatusCode.Unauthorized || !response.Headers.WwwAuthenticate.Any()
                || (method != "HEAD" && !body.Contains("\"UNAUTHENTICATED\"", StringComparison.Ordinal)))
            {
                open.Add($"{key}: {(int)response.StatusCode} {body[..Math.Min(body.Length, 200)]}");
            }
        }

        Assert.True(open.Count == 0, "Answered without credentials (not in the documented allowlist):\n" + string.Join('\n', open));
        Assert.Contains("GET /metrics", endpoints.Select(e => e.Method + " " + e.Pattern));
        Assert.Superset(new HashSet<string>(Public), new HashSet<string>(publicSeen.Where(k => !k.StartsWith("GET /ui/", StringComparison.Ordinal))));
    }

    [Fact]
    public async Task ThePublicEndpoints_GiveNothingAway()
    {
        var client = server.Anonymous();
        foreach (var path in new[] { "/health", "/version", "/v2/health/live", "/v2/health/ready", "/v2" })
        {
            using var response = await client.GetAsync(path, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            Assert.True(response.IsSuccessStatusCode, $"{path}: {(int)response.StatusCode}");
            foreach (var secret in new[] { server.Folder, "sqlite", "admin", "experiment", "model_versions" })
            {
                Assert.DoesNotContain(secret, body, StringComparison.OrdinalIgnoreCase);
            }
        }

        // The setup call is public, but with a user present (or a wrong token) it does nothing.
        using var setup = await client.PostAsync(
            "/api/2.0/keel/auth/setup",
            new StringContent("""{"setup_token": "keel_setup_guess", "username": "intruder", "password": "intruder-password-1"}""", Encoding.UTF8, "application/json"),
            Ct);
        Assert.Equal(HttpStatusCode.Forbidden, setup.StatusCode);
        Assert.Null(await server.Auth.Store.GetUserAsync("intruder", Ct));
    }

    [Theory]
    [InlineData("GET", "/metrics")]
    [InlineData("GET", "/api/2.0/mlflow/experiments/search")]
    [InlineData("GET", "/ajax-api/2.0/mlflow/experiments/search")]
    [InlineData("GET", "/api/2.0/mlflow-artifacts/artifacts")]
    [InlineData("GET", "/api/2.0/keel/serving/predictions")]
    [InlineData("GET", "/graphql")]
    [InlineData("POST", "/graphql")]
    [InlineData("GET", "/ajax-api/2.0/mlflow/users/get?username=admin")]
    [InlineData("GET", "/api/2.0/mlflow/users/get?username=admin")]
    public async Task SideEndpoints_MlflowHadOpen_AreClosedOrAbsent(string method, string path)
    {
        using var response = await server.Anonymous().SendAsync(new HttpRequestMessage(new HttpMethod(method), path), Ct);
        Assert.True(response.StatusCode is HttpStatusCode.Unauthorized or HttpStatusCode.NotFound, $"{method} {path}: {(int)response.StatusCode}");
        var body = await response.Content.ReadAsStringAsync(Ct);
        foreach (var data in new[] { "\"is_admin\"", "\"experiments\"", "\"files\"", "keel_http", "\"predictions\"" })
        {
            Assert.DoesNotContain(data, body, StringComparison.Ordinal);
        }
    }

    private static string Url(string pattern) => RouteParameter().Replace(pattern, m => m.Groups[1].Value switch
    {
        "path" => "0/x.txt",
        "version" => "1",
        _ => "m",
    });

    [GeneratedRegex(@"\{\**([a-zA-Z_]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}
