using System.Text.Json;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Serving;

[Collection(ServingCollection.Name)]
public sealed class StandaloneHostTests(ServingFixture fixture)
{
    [Fact]
    public async Task BuildSingle_ServesTheModelAtTheRootOverBothProtocols()
    {
        var model = await ServedModel.LoadAsync("bc-single", fixture.PackageDirectory, "7", "models:/bc-single/7", TestContext.Current.CancellationToken);
        await using var app = ServingApp.BuildSingle(model, "http://127.0.0.1:0");
        await app.StartAsync(TestContext.Current.CancellationToken);
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        using var client = new HttpClient { BaseAddress = new Uri(address) };

        Assert.Equal(200, (int)(await client.GetAsync("/ping", TestContext.Current.CancellationToken)).StatusCode);
        Assert.Equal("OK", await client.GetStringAsync("/health", TestContext.Current.CancellationToken));
        Assert.False(string.IsNullOrEmpty(await client.GetStringAsync("/version", TestContext.Current.CancellationToken)));

        using var content = new StringContent(JsonSerializer.Serialize(new { dataframe_records = fixture.Records() }), System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync("/invocations", content, TestContext.Current.CancellationToken);
        Assert.Equal(200, (int)response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(fixture.Expected.Select(p => p.Label), body.RootElement.GetProperty("predictions").EnumerateArray().Select(p => p.GetProperty("predicted_label").GetString()));

        var ready = await client.ApiGetAsync("/v2/models/bc-single/versions/7/ready");
        Assert.True(ready["ready"].GetBoolean());

        using var csv = new StringContent("a,b\n1,2\n", System.Text.Encoding.UTF8, "text/plain");
        Assert.Equal(415, (int)(await client.PostAsync("/invocations", csv, TestContext.Current.CancellationToken)).StatusCode);
        await app.StopAsync(TestContext.Current.CancellationToken);
    }
}
