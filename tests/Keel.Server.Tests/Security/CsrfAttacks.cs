using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Keel.Server.Infrastructure;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Security;

/// <summary>
/// MLflow's CSRF CVE class (CVE-2023-43472-like text/plain and form posts; MLflow's fix refuses
/// non-JSON content types on its API): a page on another site can make the browser send a "simple"
/// request (text/plain, a form, multipart, or a POST with no body) without a CORS preflight, with
/// the user's cached credentials, to a server on loopback or on the LAN. Every state-changing
/// endpoint refuses the simple content types, and every state-changing request a browser marks as
/// cross-site is refused whatever its content type.
/// </summary>
public abstract partial class CsrfAttacks(SecurityServer server)
{
    private static readonly string[] UnsafeMethods = ["POST", "PUT", "PATCH", "DELETE"];

    protected SecurityServer Server { get; } = server;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static TheoryData<string> SimpleContentTypes => new() { "text/plain", "application/x-www-form-urlencoded", "multipart/form-data" };

    [Theory]
    [MemberData(nameof(SimpleContentTypes))]
    public async Task EveryStateChangingEndpoint_RefusesASimpleContentType(string contentType)
    {
        var client = Server.Admin();
        var experiment = await client.CreateExperimentAsync();
        var run = await client.CreateRunAsync(experiment);
        var failures = new List<string>();
        foreach (var (method, pattern, streamed) in StateChangingEndpoints())
        {
            if (streamed)
            {
                continue; // Artifact upload: bytes of any type, by PUT, which no page can send cross-site without a preflight.
            }

            var path = Url(pattern, experiment);
            var json = JsonSerializer.Serialize(new { name = "csrf-" + Guid.NewGuid().ToString("N"), experiment_id = experiment, run_id = run, key = "k", value = "v" });
            using var request = new HttpRequestMessage(new HttpMethod(method), path) { Content = Body(contentType, json) };
            using var response = await client.SendAsync(request, Ct);
            var body = await response.Content.ReadAsStringAsync(Ct);
            var status = (int)response.StatusCode;
            var refusedForItsType = status is 400 or 415
                && (body.Contains("Content-Type", StringComparison.OrdinalIgnoreCase) || body.Contains("content type", StringComparison.OrdinalIgnoreCase));
            var notAnOperation = status is 405 or 501; // Methods and multipart steps Keel does not implement.

            // Scoring a model or deployment that is not served answers 404 first; against a served one
            // these content types get 415 (HostileInputCases, ScoringApiTests). An artifact DELETE reads
            // no body, and DELETE is never sent cross-site without a preflight.
            var notReached = status == 404 && (pattern.Contains("{name}", StringComparison.Ordinal) || (method == "DELETE" && pattern.Contains("{**path}", StringComparison.Ordinal)));
            if (!refusedForItsType && !notAnOperation && !notReached)
            {
                failures.Add($"{method} {pattern}: {status} {body}");
            }
        }

        Assert.True(failures.Count == 0, $"Accepted or not refused for {contentType}:\n" + string.Join('\n', failures));
        var search = await client.ApiGetAsync("experiments/search?max_results=1000");
        Assert.DoesNotContain("\"csrf-", search.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ArtifactUpload_OfBytes_StillWorks_WithOrWithoutAContentType()
    {
        var client = Server.Admin();
        var experiment = await client.CreateExperimentAsync();
        foreach (var type in new[] { "application/octet-stream", "text/plain", null })
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes("bytes " + type));
            if (type is not null)
            {
                content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(type);
            }

            using var put = await client.PutAsync($"/api/2.0/mlflow-artifacts/artifacts/{experiment}/f.bin", content, Ct);
            Assert.Equal(HttpStatusCode.OK, put.StatusCode);
            Assert.Equal("bytes " + type, await client.GetStringAsync($"/api/2.0/mlflow-artifacts/artifacts/{experiment}/f.bin", Ct));
        }
    }

    public static TheoryData<string, string> CrossSiteMarks => new()
    {
        { "Sec-Fetch-Site: cross-site", "https://evil.example" },
        { "Sec-Fetch-Site: same-site", "https://other.keel.example" },
        { "Origin only", "https://evil.example" },
        { "Origin only", "null" },
    };

    [Theory]
    [MemberData(nameof(CrossSiteMarks))]
    public async Task CrossSiteJsonPost_IsPermissionDenied_AndChangesNothing(string mark, string origin)
    {
        var name = "cross-site-" + Guid.NewGuid().ToString("N");
        var (status, body, response) = await Refusal.SendRawAsync(
            Server.Admin(), HttpMethod.Post, "/api/2.0/mlflow/experiments/create",
            new StringContent(JsonSerializer.Serialize(new { name }), Encoding.UTF8, "application/json"), Marks(mark, origin));
        Assert.Equal("PERMISSION_DENIED", Refusal.Assert(status, body, response, [403], ["PERMISSION_DENIED"], mark));
        Assert.DoesNotContain(origin, body, StringComparison.Ordinal);
        Assert.Equal(404, (await Server.Admin().ApiGetAsync("experiments/get-by-name?experiment_name=" + name)).Status);
    }

    [Fact]
    public async Task CrossSitePost_WithNoBody_IsPermissionDenied_BeforeAnyHandlerRuns()
    {
        // fetch(url, {method: "POST", mode: "no-cors", credentials: "include"}): no body, no Content-Type, no preflight.
        foreach (var path in new[] { "/api/2.0/keel/serving/models/m/reload", "/api/2.0/keel/monitoring/run", "/api/2.0/mlflow/experiments/create" })
        {
            var (status, body, response) = await Refusal.SendRawAsync(Server.Admin(), HttpMethod.Post, path, null, Marks("Sec-Fetch-Site: cross-site", "https://evil.example"));
            Refusal.Assert(status, body, response, [403], ["PERMISSION_DENIED"], path);
        }
    }

    [Fact]
    public async Task SameOriginBrowserRequests_AndNonBrowserClients_StillWork()
    {
        var address = Server.Address.GetLeftPart(UriPartial.Authority);
        foreach (var headers in new Dictionary<string, string>[]
        {
            new() { ["Sec-Fetch-Site"] = "same-origin", ["Origin"] = address },
            new() { ["Sec-Fetch-Site"] = "none" },
            new() { ["Origin"] = address }, // A browser too old for Sec-Fetch-Site.
            [], // The MLflow client, curl: no Origin.
        })
        {
            var (status, body, _) = await Refusal.SendRawAsync(
                Server.Admin(), HttpMethod.Post, "/api/2.0/mlflow/experiments/create",
                new StringContent(JsonSerializer.Serialize(new { name = "same-origin-" + Guid.NewGuid().ToString("N") }), Encoding.UTF8, "application/json"), headers);
            Assert.True(status == HttpStatusCode.OK, $"{string.Join(", ", headers)}: {(int)status} {body}");
        }
    }

    [Fact]
    public async Task CrossSiteReads_AreNotRefused_ButGetNoCorsHeaders()
    {
        var (status, _, response) = await Refusal.SendRawAsync(Server.Admin(), HttpMethod.Get, "/api/2.0/mlflow/experiments/search?max_results=1", null, Marks("Sec-Fetch-Site: cross-site", "https://evil.example"));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.False(response.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.False(response.Headers.Contains("Access-Control-Allow-Credentials"));
    }

    private static Dictionary<string, string> Marks(string mark, string origin) => mark switch
    {
        "Origin only" => new() { ["Origin"] = origin },
        _ => new() { ["Sec-Fetch-Site"] = mark["Sec-Fetch-Site: ".Length..], ["Origin"] = origin },
    };

    private static HttpContent Body(string contentType, string json) => contentType switch
    {
        "text/plain" => new StringContent(json, Encoding.UTF8, "text/plain"),
        "application/x-www-form-urlencoded" => new FormUrlEncodedContent(new Dictionary<string, string> { ["name"] = "csrf-form", ["json"] = json }),
        _ => new MultipartFormDataContent { { new StringContent(json), "json" } },
    };

    private IEnumerable<(string Method, string Pattern, bool Streamed)> StateChangingEndpoints() =>
        Server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .SelectMany(e => (e.Metadata.GetMetadata<HttpMethodMetadata>()?.HttpMethods ?? []).Where(UnsafeMethods.Contains)
                .Select(m => (m, "/" + (e.RoutePattern.RawText ?? "").TrimStart('/'), e.Metadata.Contains(RequestBodies.StreamedBody))))
            .Distinct();

    private static string Url(string pattern, string experiment) => RouteParameter().Replace(pattern, m => m.Groups[1].Value switch
    {
        "path" => experiment + "/csrf.txt",
        "version" => "1",
        _ => "m",
    });

    [GeneratedRegex(@"\{\**([a-zA-Z_]+)[^}]*\}")]
    private static partial Regex RouteParameter();
}

public sealed class CsrfAttackTests_AuthOn(AuthOnServer server) : CsrfAttacks(server), IClassFixture<AuthOnServer>;

public sealed class CsrfAttackTests_AuthOff(AuthOffServer server) : CsrfAttacks(server), IClassFixture<AuthOffServer>;
