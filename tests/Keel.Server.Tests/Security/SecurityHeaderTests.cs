using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Keel.Server.Tests.Infrastructure;
using Keel.Server.Tests.Reliability;
using Keel.Server.Ui;

namespace Keel.Server.Tests.Security;

/// <summary>
/// Security headers on every kind of response (API answers and errors, the UI, downloads, refusals):
/// nosniff, no framing, no referrer, a Content-Security-Policy, no <c>Server</c> header;
/// <c>Cache-Control: no-store</c> on API answers (a new token's above all); the UI's policy, which
/// its page satisfies.
/// </summary>
public sealed partial class SecurityHeaderTests(AuthOnServer server) : IClassFixture<AuthOnServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryKindOfResponse_CarriesTheSecurityHeaders_AndNoServerHeader()
    {
        var admin = server.Admin();
        var user = await server.OnceAsync("header-user", () => server.UserAsync("header-user"));
        var experiment = await admin.CreateExperimentAsync();
        using (await admin.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{experiment}/a.txt", new StringContent("a"), Ct))
        {
        }

        var responses = new List<HttpResponseMessage>
        {
            await admin.GetAsync("/health", Ct),
            await admin.GetAsync("/v2/health/ready", Ct),
            await admin.GetAsync("/", Ct),
            await admin.GetAsync("/ui/js/app.js", Ct),
            await admin.GetAsync("/ui/app.css", Ct),
            await admin.GetAsync("/api/2.0/mlflow/experiments/search?max_results=1", Ct),
            await server.Anonymous().GetAsync("/api/2.0/mlflow/experiments/search?max_results=1", Ct),
            await user.GetAsync("/api/2.0/mlflow/users/get?username=admin", Ct),
            await admin.GetAsync("/api/2.0/mlflow/nothing-here", Ct),
            await admin.PostAsync("/metrics", new StringContent("{}", Encoding.UTF8, "application/json"), Ct),
            await admin.GetAsync("/metrics", Ct),
            await admin.GetAsync($"/api/2.0/mlflow-artifacts/artifacts/{experiment}/a.txt", Ct),
            await admin.PostAsync("/api/2.0/mlflow/experiments/create", new StringContent("x", Encoding.UTF8, "text/plain"), Ct),
            await admin.PostAsync("/api/2.0/keel/auth/tokens/create", new StringContent("""{"name": "ci"}""", Encoding.UTF8, "application/json"), Ct),
            (await Refusal.SendRawAsync(admin, HttpMethod.Options, "/api/2.0/mlflow/experiments/create", null, new Dictionary<string, string> { ["Origin"] = "https://evil.example", ["Access-Control-Request-Method"] = "POST" })).Response,
            (await Refusal.SendRawAsync(admin, HttpMethod.Post, "/api/2.0/mlflow/experiments/create", new StringContent("{}", Encoding.UTF8, "application/json"), new Dictionary<string, string> { ["Origin"] = "https://evil.example", ["Sec-Fetch-Site"] = "cross-site" })).Response,
        };

        Assert.Equal(
            [200, 200, 200, 200, 200, 200, 401, 403, 404, 405, 200, 200, 400, 200, 403, 403],
            responses.Select(r => (int)r.StatusCode));
        foreach (var response in responses)
        {
            SecurityHeaders.AssertPresent(response);
            Assert.False(response.Headers.Contains("Server"), "Server header on " + response.RequestMessage?.RequestUri);
            Assert.False(response.Headers.Contains("X-Powered-By"));
            Assert.False(response.Headers.Contains("X-AspNet-Version"));
        }
    }

    [Fact]
    public async Task ANewToken_AndEveryApiAnswer_AreNotStored_ByAnyCache()
    {
        var admin = server.Admin();
        using var token = await admin.PostAsync("/api/2.0/keel/auth/tokens/create", new StringContent("""{"name": "no-store"}""", Encoding.UTF8, "application/json"), Ct);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
        Assert.Contains("keel_", await token.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.True(token.Headers.CacheControl?.NoStore, "tokens/create: " + token.Headers.CacheControl);

        foreach (var path in new[] { "/api/2.0/mlflow/experiments/search?max_results=1", "/ajax-api/2.0/mlflow/users/get?username=admin", "/api/2.0/keel/auth/tokens/list", "/api/2.0/mlflow/nothing-here" })
        {
            using var response = await admin.GetAsync(path, Ct);
            Assert.True(response.Headers.CacheControl?.NoStore, $"{path}: Cache-Control {response.Headers.CacheControl}");
        }

        using var anonymous = await server.Anonymous().GetAsync("/api/2.0/mlflow/experiments/search", Ct);
        Assert.True(anonymous.Headers.CacheControl?.NoStore);
    }

    [Fact]
    public async Task TheUi_HasItsOwnPolicy_AndIsRevalidated_NotCachedBlindly()
    {
        foreach (var path in new[] { "/", "/ui/js/app.js", "/ui/app.css" })
        {
            using var response = await server.Anonymous().GetAsync(path, Ct);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(UiApi.ContentSecurityPolicy, Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
            Assert.True(response.Headers.CacheControl?.NoCache, path);
        }
    }

    /// <summary>The UI's policy allows no inline script, no eval and only same-origin resources: its page must need none of them.</summary>
    [Fact]
    public async Task TheUiPage_SatisfiesItsPolicy()
    {
        var client = server.Anonymous();
        var index = await client.GetStringAsync("/", Ct);
        Assert.DoesNotMatch(InlineScript(), index);
        Assert.DoesNotMatch(EventHandlerAttribute(), index);
        Assert.DoesNotContain("javascript:", index, StringComparison.OrdinalIgnoreCase);
        foreach (Match m in ResourceUrl().Matches(index))
        {
            var url = m.Groups[1].Value;
            Assert.True(url.StartsWith("/ui/", StringComparison.Ordinal) || url.StartsWith('#'), "Not a same-origin Keel resource: " + url);
            if (url.StartsWith("/ui/", StringComparison.Ordinal))
            {
                using var asset = await client.GetAsync(url, Ct);
                Assert.True(asset.StatusCode == HttpStatusCode.OK, url);
                if (url.EndsWith(".js", StringComparison.Ordinal))
                {
                    var script = await asset.Content.ReadAsStringAsync(Ct);
                    Assert.DoesNotMatch(Eval(), script);
                }
            }
        }
    }

    [GeneratedRegex(@"<script(?![^>]*\bsrc=)[^>]*>", RegexOptions.IgnoreCase)]
    private static partial Regex InlineScript();

    [GeneratedRegex(@"\son[a-z]+\s*=", RegexOptions.IgnoreCase)]
    private static partial Regex EventHandlerAttribute();

    [GeneratedRegex(@"(?:src|href)=""([^""]+)""", RegexOptions.IgnoreCase)]
    private static partial Regex ResourceUrl();

    [GeneratedRegex(@"(?<![\w.])eval\(|new Function\(")]
    private static partial Regex Eval();
}
