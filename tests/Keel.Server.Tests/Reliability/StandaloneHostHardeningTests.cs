using System.Net;
using System.Text;
using System.Text.Json;
using Keel.Server.Infrastructure;
using Keel.Server.Serving;
using Keel.Server.Tests.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Reliability;

/// <summary>The <c>keel serve</c> host gets the same connection cap, body limits and headers as the main server.</summary>
[Collection(ServingCollection.Name)]
public sealed class StandaloneHostHardeningTests(ServingFixture fixture)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task IdleConnectionFlood_OverTheCap_IsTurnedAway_AndTheHostAnswersRightAfter()
    {
        const int Cap = 8;
        await using var app = await StartAsync(o => o.MaxConnections = Cap);
        var port = Port(app);
        var limit = app.Services.GetRequiredService<HostingConnectionLimit>();
        using (var flood = IdleFlood.Open(port, 3 * Cap))
        {
            Assert.True(
                await IdleFlood.WaitUntilAsync(() => flood.ClosedByServer >= flood.Count - Cap, TimeSpan.FromSeconds(20)),
                $"The host closed {flood.ClosedByServer} of {flood.Count} connections; it should serve at most {Cap}.");
            Assert.Equal(Cap, limit.Open);
        }

        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/"), Timeout = TimeSpan.FromSeconds(1) };
        Assert.True(await ConnectionFloodTests.HealthWithinAsync(client, TimeSpan.FromSeconds(1)), "/health did not answer within 1 s of the flood closing.");
    }

    [Fact]
    public async Task EveryResponse_CarriesTheSecurityHeaders_AndOverLimitBodiesGet413()
    {
        await using var app = await StartAsync(o => o.MaxRequestBodyBytes = 1000);
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{Port(app)}/") };
        var small = JsonSerializer.Serialize(new { dataframe_records = fixture.Records() });
        var responses = new List<HttpResponseMessage>
        {
            await client.GetAsync("ping", Ct),
            await client.GetAsync("health", Ct),
            await client.GetAsync("metrics", Ct),
            await client.GetAsync("v2/health/ready", Ct),
            await client.GetAsync("no/such/path", Ct),
            await client.PostAsync("invocations", new StringContent("a,b", Encoding.UTF8, "text/plain"), Ct),
            await client.PostAsync("invocations", new StringContent(new string(' ', 2000) + small, Encoding.UTF8, "application/json"), Ct),
            await client.PostAsync("metrics", new StringContent("{}", Encoding.UTF8, "application/json"), Ct),
        };

        Assert.Equal(
            [HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.OK, HttpStatusCode.NotFound, HttpStatusCode.UnsupportedMediaType, HttpStatusCode.RequestEntityTooLarge, HttpStatusCode.MethodNotAllowed],
            responses.Select(r => r.StatusCode));
        await MainServerHardeningTests.AssertTooLarge(responses[6]);
        foreach (var response in responses)
        {
            SecurityHeaders.AssertPresent(response);
            response.Dispose();
        }
    }

    private async Task<WebApplication> StartAsync(Action<HostingOptions> hosting)
    {
        var model = await ServedModel.LoadAsync("bc-hardening", fixture.PackageDirectory, "1", "models:/bc-hardening/1", Ct);
        var models = new ServedModelRegistry(Directory.CreateTempSubdirectory("keel-hardening-").FullName);
        models.Publish(model);
        var app = ServingApp.BuildSingle(models, "bc-hardening", "http://127.0.0.1:0", hosting: hosting);
        await app.StartAsync(Ct);
        return app;
    }

    private static int Port(WebApplication app) =>
        new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
}
