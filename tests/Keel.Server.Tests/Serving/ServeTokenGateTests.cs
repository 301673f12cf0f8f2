using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keel.Core.Auth;
using Keel.Server.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Server.Tests.Serving;

/// <summary>The scoring-token gate of the standalone host (<c>keel serve</c>, rolling replicas), on a real Kestrel host.</summary>
[Collection(ServingCollection.Name)]
public sealed class ServeTokenGateTests(ServingFixture fixture)
{
    private const string Secret = "keel_score_00112233aabbccdd_dGhlLXNlY3JldC1vZi10aGUtdGVzdC10b2tlbg";
    private readonly CancellationToken _ct = TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_800_000_000_000));

    [Fact]
    public async Task AGuardedHost_ScoresOnlyWithAnActiveToken_ButAnswersItsProbes()
    {
        var gate = new ServeTokenGate("deployment 'd'", TimeSpan.FromMinutes(1), _clock);
        var set = Set(guarded: true, expiresIn: TimeSpan.FromHours(1));
        gate.Update(set);
        await using var host = await StartAsync(gate);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/ping"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/health"));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/v2/health/ready"));

        using var none = await SendAsync(host, HttpMethod.Post, "/invocations", bearer: null);
        Assert.Equal(HttpStatusCode.Unauthorized, none.StatusCode);
        Assert.Equal("Bearer realm=\"keel\"", none.Headers.WwwAuthenticate.ToString());
        using (var error = JsonDocument.Parse(await none.Content.ReadAsStringAsync(_ct)))
        {
            Assert.Equal("UNAUTHENTICATED", error.RootElement.GetProperty("error_code").GetString());
            Assert.Contains("deployment 'd' requires one of its scoring tokens", error.RootElement.GetProperty("message").GetString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Post, "/invocations", Secret[..^1] + "x"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Post, "/v2/models/bc-gate/infer"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Get, "/metrics"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Get, "/version"));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, "/invocations", Secret));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/metrics", Secret));

        // Its use is reported once, with the time it scored.
        var use = Assert.Single(gate.TakeUses());
        Assert.Equal(("t1", _clock.GetUtcNow().ToUnixTimeMilliseconds()), (use.Id, use.At));
        Assert.Empty(gate.TakeUses());

        // Expired by the host's clock, even in a set read just now.
        _clock.Advance(TimeSpan.FromHours(1));
        gate.Update(set);
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Post, "/invocations", Secret));
    }

    [Fact]
    public async Task WithoutASet_OrWithAStaleOne_AGuardedHostAnswers503_AndAnUnguardedSetLetsEveryoneScore()
    {
        var gate = new ServeTokenGate("deployment 'd'", TimeSpan.FromMinutes(1), _clock);
        await using var host = await StartAsync(gate);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, await StatusAsync(host, HttpMethod.Post, "/invocations", Secret));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Get, "/ping"));

        gate.Update(Set(guarded: false, expiresIn: TimeSpan.FromHours(1)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, "/invocations"));
        _clock.Advance(TimeSpan.FromHours(2));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, "/invocations"));

        gate.Update(Set(guarded: true, expiresIn: TimeSpan.FromHours(1)));
        _clock.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, "/invocations", Secret));
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        using var stale = await SendAsync(host, HttpMethod.Post, "/invocations", Secret);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, stale.StatusCode);
        Assert.Contains("TEMPORARILY_UNAVAILABLE", await stale.Content.ReadAsStringAsync(_ct), StringComparison.Ordinal);

        // A fresh set (the tracking server is back) lets it score again.
        gate.Update(Set(guarded: true, expiresIn: TimeSpan.FromHours(1)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, "/invocations", Secret));
    }

    [Fact]
    public async Task AFixedSet_NeverGoesStale()
    {
        var gate = new ServeTokenGate("model host", maxAge: null, _clock);
        gate.Update(ScoringTokenSet.FromSecrets([Secret]));
        await using var host = await StartAsync(gate);
        _clock.Advance(TimeSpan.FromDays(3650));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host, HttpMethod.Post, "/invocations", Secret));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host, HttpMethod.Post, "/invocations"));
    }

    private ScoringTokenSet Set(bool guarded, TimeSpan expiresIn) => new(
        guarded,
        guarded ? [new ScoringVerifier("t1", AuthService.Hash(Secret), (_clock.GetUtcNow() + expiresIn).ToUnixTimeMilliseconds())] : [],
        0);

    private async Task<Host> StartAsync(ServeTokenGate gate)
    {
        var model = await ServedModel.LoadAsync("bc-gate", fixture.PackageDirectory, "1", "models:/bc-gate/1", _ct);
        var cache = ServingCache.Claim(ServingCache.DefaultParent);
        var models = new ServedModelRegistry(cache.Path);
        models.Publish(model);
        var app = ServingApp.BuildSingle(models, "bc-gate", "http://127.0.0.1:0", tokens: gate);
        await app.StartAsync(_ct);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return new Host(app, cache, new HttpClient { BaseAddress = new Uri(address) });
    }

    private async Task<HttpStatusCode> StatusAsync(Host host, HttpMethod method, string path, string? bearer = null)
    {
        using var response = await SendAsync(host, method, path, bearer);
        return response.StatusCode;
    }

    private async Task<HttpResponseMessage> SendAsync(Host host, HttpMethod method, string path, string? bearer = null)
    {
        using var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post)
        {
            var body = path.StartsWith("/v2", StringComparison.Ordinal)
                ? JsonSerializer.Serialize(new { inputs = Array.Empty<object>() })
                : JsonSerializer.Serialize(new { dataframe_records = fixture.Records() });
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        return await host.Client.SendAsync(request, _ct);
    }

    private sealed record Host(WebApplication App, ServingCache Cache, HttpClient Client) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            Client.Dispose();
            await App.StopAsync();
            await App.DisposeAsync();
            Cache.Dispose();
        }
    }
}
