using Keel.Core.Monitoring;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Monitoring;

/// <summary><c>POST monitoring/run</c> calls the <see cref="IMonitorRunner"/> registered in DI (<see cref="StoringMonitorRunner"/>) and answers what it stored.</summary>
public sealed class MonitoringRunApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private const string Api = "/api/2.0/keel/monitoring/";

    [Fact]
    public async Task Run_CallsTheRegisteredRunner_AndAnswersItsWindowsAndAlertChanges()
    {
        StoringMonitorRunner? runner = null;
        await using var server = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IMonitorRunner>(sp => runner = new StoringMonitorRunner(sp))));
        using var client = server.CreateClient();
        var model = "run-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(200, (await client.ApiPostAsync("registered-models/create", new { name = model })).Status);

        var run = await client.ApiSendAsync(HttpMethod.Post, Api + "run", new { model, window_end_ms = 1_700_000_900_000 });

        Assert.Equal(200, run.Status);
        Assert.Equal([(model, (long?)1_700_000_900_000)], runner!.Calls);
        var window = Assert.Single(run["windows"].EnumerateArray());
        Assert.Equal((42L, 1_700_000_900_000L), (window.GetProperty("requests").GetInt64(), window.GetProperty("end_ms").GetInt64()));
        Assert.True(window.GetProperty("id").GetInt64() > 0);
        var change = Assert.Single(run["alert_changes"].EnumerateArray());
        Assert.Equal(1, change.GetProperty("evidence").GetProperty("window_ids")[0].GetInt32());
        var listed = await client.ApiGetAsync($"{Api}windows/list?model={model}");
        Assert.Equal(window.GetRawText(), Assert.Single(listed["windows"].EnumerateArray()).GetRawText());

        var negative = await client.ApiSendAsync(HttpMethod.Post, Api + "run", new { model, window_end_ms = -1 });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (negative.Status, negative.ErrorCode));
        Assert.Single(runner.Calls);
    }
}
