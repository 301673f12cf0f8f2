using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Keel.Cli.Tests.Serve;

// A rolling deployment's scoring tokens, enforced by its replicas (keel serve --deployment) behind nginx.
public sealed partial class RollingDeploymentNginxTests
{
    private const string TokensApi = "api/2.0/keel/auth/deployments/scoring-tokens/";

    [Fact]
    public async Task ARollingDeploymentsScoringTokens_AreEnforcedByEveryReplicaBehindNginx_ARevocationReachesThemWithinHeartbeats_AndUsesAreRecorded()
    {
        SkipWithoutNginx();
        const string name = "rolling-tokens";
        using var client = fixture.CreateClient();
        await client.CreateDeploymentAsync(Spec(name, "1"), Operator);
        using var api = new HttpClient { BaseAddress = fixture.Server.Address };
        var (first, firstId) = await CreateTokenAsync(api, name, "first");
        var replicas = await StartReplicasAsync(name, "1");
        try
        {
            Assert.All(replicas, r => Assert.Contains("scoring tokens required, 1 active", r.Output, StringComparison.Ordinal));
            await using var nginx = await NginxProcess.StartAsync([.. replicas.Select(r => r.Address)], PingsAsync);
            using var http = new HttpClient { BaseAddress = nginx.Address };

            // Six requests go round the three replicas twice: each one refuses without the token and scores with it.
            for (var i = 0; i < 6; i++)
            {
                var refused = await ScoreAsync(http, null);
                Assert.Equal((HttpStatusCode.Unauthorized, "UNAUTHENTICATED"), (refused.Status, refused.ErrorCode));
                Assert.Equal(HttpStatusCode.OK, (await ScoreAsync(http, first)).Status);
                Assert.Equal(HttpStatusCode.Unauthorized, (await ScoreAsync(http, first[..^1] + (first[^1] == 'A' ? 'B' : 'A'))).Status);
            }

            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync(new Uri(replicas[0].Address, "ping"))).StatusCode);

            // The replicas report the use with their next exchange: the server records it.
            await WaitForAsync(async () => (await LastUseAsync(api, name, firstId)) is > 0, "the replicas to report the token's use", 30);

            // Revoked on the server: every replica refuses it within a few heartbeats (100 ms here); a new token works.
            var (second, _) = await CreateTokenAsync(api, name, "second");
            using (var revoked = await api.PostAsJsonAsync(TokensApi + "revoke", new { name, token_id = firstId }))
            {
                Assert.Equal(HttpStatusCode.OK, revoked.StatusCode);
            }

            await WaitForAsync(async () => await AllAsync(http, first, HttpStatusCode.Unauthorized), "every replica to refuse the revoked token", 30);
            await WaitForAsync(async () => await AllAsync(http, second, HttpStatusCode.OK), "every replica to accept the new token", 30);
        }
        finally
        {
            await StopAsync(replicas);
        }
    }

    [Fact]
    public async Task AReplicaOnANonLoopbackAddress_RefusesToServeADeploymentWithoutScoringTokens()
    {
        SkipWithoutNginx();
        const string name = "rolling-open";
        using var client = fixture.CreateClient();
        await client.CreateDeploymentAsync(Spec(name, "1"), Operator);

        var result = await Infrastructure.KeelProcess.RunAsync(["serve", "--deployment", name, "--tracking-uri", fixture.Server.Address.AbsoluteUri, "--host", "0.0.0.0", "--port", "0"]);

        Infrastructure.CliRun.AssertOneLineError(result, 1, $"Refusing to serve deployment '{name}' on http://0.0.0.0:0: it has no scoring token");
    }

    private static async Task<(string Secret, string Id)> CreateTokenAsync(HttpClient api, string deployment, string tokenName)
    {
        using var created = await api.PostAsJsonAsync(TokensApi + "create", new { name = deployment, token_name = tokenName });
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.IsSuccessStatusCode, body);
        using var json = JsonDocument.Parse(body);
        return (json.RootElement.GetProperty("token").GetString()!, json.RootElement.GetProperty("token_info").GetProperty("token_id").GetString()!);
    }

    private static async Task<long?> LastUseAsync(HttpClient api, string deployment, string id)
    {
        using var json = JsonDocument.Parse(await api.GetStringAsync(TokensApi + "list?name=" + deployment));
        var token = json.RootElement.GetProperty("tokens").EnumerateArray().Single(t => t.GetProperty("token_id").GetString() == id);
        return token.TryGetProperty("last_used_at", out var at) && at.ValueKind == JsonValueKind.Number ? at.GetInt64() : null;
    }

    /// <summary>Whether six requests in a row (twice round the replicas) all answer <paramref name="expected"/>.</summary>
    private async Task<bool> AllAsync(HttpClient http, string bearer, HttpStatusCode expected)
    {
        for (var i = 0; i < 6; i++)
        {
            if ((await ScoreAsync(http, bearer)).Status != expected)
            {
                return false;
            }
        }

        return true;
    }

    private async Task<(HttpStatusCode Status, string? ErrorCode)> ScoreAsync(HttpClient http, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "invocations") { Content = new StringContent(fixture.Body, Encoding.UTF8, "application/json") };
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        string? code = null;
        if (!response.IsSuccessStatusCode && text.StartsWith('{'))
        {
            using var json = JsonDocument.Parse(text);
            code = json.RootElement.TryGetProperty("error_code", out var c) ? c.GetString() : null;
        }

        return (response.StatusCode, code);
    }
}
