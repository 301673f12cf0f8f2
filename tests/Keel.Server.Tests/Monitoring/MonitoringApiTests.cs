using System.Text.Json;
using Keel.Core.Monitoring;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Tests.Monitoring;

/// <summary>The monitoring API: monitors, windows, status, alerts, history, and run with and without a monitor runner.</summary>
public sealed partial class MonitoringApiTests(KeelApiFactory factory) : IClassFixture<KeelApiFactory>
{
    private const string Api = "/api/2.0/keel/monitoring/";
    private readonly HttpClient _client = factory.CreateClient();

    private IMonitoringStore Store => factory.Services.GetRequiredService<IMonitoringStore>();

    private async Task<string> ModelAsync()
    {
        var name = "monitored-" + Guid.NewGuid().ToString("N")[..8];
        Assert.Equal(200, (await _client.ApiPostAsync("registered-models/create", new { name })).Status);
        Assert.Equal(200, (await _client.ApiPostAsync("model-versions/create", new { name, source = $"mlflow-artifacts:/models/{name}/1" })).Status);
        return name;
    }

    private static object Spec(string model) => new
    {
        model,
        interval_seconds = 60,
        rules = new object[]
        {
            new { name = "drift", kind = "drifted_share", threshold = 0.3, @for = 2, actions = new object[] { new { kind = "rollback_production" } } },
            new { name = "quiet", kind = "no_traffic" },
        },
        notifiers = new object[] { new { kind = "webhook", url = "https://hooks.example.com/keel", format = "slack" } },
    };

    [Fact]
    public async Task Apply_StoresTheNormalisedSpec_WithWhoAndWhen_ThenGetListAndDeleteIt()
    {
        var model = await ModelAsync();
        var applied = await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/apply", Spec(model), user: "alice");

        Assert.Equal(200, applied.Status);
        var monitor = applied["monitor"];
        var spec = monitor.GetProperty("spec");
        Assert.Equal(model, spec.GetProperty("model").GetString());
        Assert.True(spec.GetProperty("enabled").GetBoolean());
        Assert.Equal(60, spec.GetProperty("window_seconds").GetInt32());
        Assert.Equal(100, spec.GetProperty("min_rows").GetInt32());
        Assert.Equal("production", spec.GetProperty("rules")[0].GetProperty("actions")[0].GetProperty("alias").GetString());
        Assert.Equal(1, spec.GetProperty("rules")[1].GetProperty("threshold").GetDouble());
        Assert.Equal(5, spec.GetProperty("notifiers")[0].GetProperty("max_attempts").GetInt32());
        Assert.Equal("alice", monitor.GetProperty("updated_by").GetString());
        Assert.True(monitor.GetProperty("updated_at_ms").GetInt64() > 0);

        var read = await _client.ApiGetAsync($"{Api}monitors/get?model={model}");
        Assert.Equal(monitor.GetRawText(), read["monitor"].GetRawText());
        var list = await _client.ApiGetAsync($"{Api}monitors/list?max_results=1000");
        Assert.Contains(list["monitors"].EnumerateArray(), m => m.GetProperty("spec").GetProperty("model").GetString() == model);

        Assert.Equal(200, (await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/delete", new { model })).Status);
        Assert.Equal("RESOURCE_DOES_NOT_EXIST", (await _client.ApiGetAsync($"{Api}monitors/get?model={model}")).ErrorCode);
        var again = await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/delete", new { model });
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (again.Status, again.ErrorCode));
    }

    [Fact]
    public async Task Apply_AgainReplacesTheMonitor_AndAnUnregisteredModelIsNotFound_StoringNothing()
    {
        var model = await ModelAsync();
        await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/apply", Spec(model), user: "alice");
        var replaced = await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/apply", new { model, enabled = false }, user: "bob");
        Assert.Equal(200, replaced.Status);
        Assert.False(replaced["monitor"].GetProperty("spec").GetProperty("enabled").GetBoolean());
        Assert.Empty(replaced["monitor"].GetProperty("spec").GetProperty("rules").EnumerateArray());
        Assert.Equal("bob", replaced["monitor"].GetProperty("updated_by").GetString());

        var ghost = await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/apply", Spec("no-such-model"));
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (ghost.Status, ghost.ErrorCode));
        Assert.Contains("no-such-model", ghost["message"].GetString());
        Assert.Null(await Store.GetMonitorAsync("no-such-model"));
    }

    [Fact]
    public async Task Apply_ABadSpec_NamesEveryProblemInOneError()
    {
        var model = await ModelAsync();
        var bad = await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/apply", new
        {
            model,
            interval_seconds = 0,
            rules = new object[] { new { name = "x", kind = "vibes" }, new { name = "x", kind = "drifted_share", threshold = 2 } },
        });

        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (bad.Status, bad.ErrorCode));
        var message = bad["message"].GetString()!;
        Assert.Contains("interval_seconds", message);
        Assert.Contains("vibes", message);
        Assert.Contains("used twice", message);
        Assert.Contains("is a share", message);
        Assert.Null(await Store.GetMonitorAsync(model));

        var unknownField = await _client.ApiSendAsync(HttpMethod.Post, Api + "monitors/apply", new { model, schedule = "hourly" });
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (unknownField.Status, unknownField.ErrorCode));
        Assert.Contains("schedule", unknownField["message"].GetString());
    }

    [Fact]
    public async Task Run_WithoutARunner_AnswersNotImplemented_AndAnUnknownModelIsNotFound()
    {
        var model = await ModelAsync();
        await using var withoutRunner = factory.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.RemoveAll<IMonitorRunner>()));
        using var client = withoutRunner.CreateClient();
        var run = await client.ApiSendAsync(HttpMethod.Post, Api + "run", new { model });
        Assert.Equal((501, "NOT_IMPLEMENTED"), (run.Status, run.ErrorCode));
        Assert.Contains("no monitor runner", run["message"].GetString());

        var ghost = await client.ApiSendAsync(HttpMethod.Post, Api + "run", new { model = "no-such-model" });
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (ghost.Status, ghost.ErrorCode));
    }

    [Fact]
    public async Task Run_WithTheServersRunner_OfAModelWithoutTraffic_StoresNothing_AndAnUnknownModelIsNotFound()
    {
        var model = await ModelAsync();
        var run = await _client.ApiSendAsync(HttpMethod.Post, Api + "run", new { model });
        Assert.Equal(200, run.Status);
        Assert.Equal(0, run["windows"].GetArrayLength());
        Assert.Equal(0, run["alert_changes"].GetArrayLength());

        var ghost = await _client.ApiSendAsync(HttpMethod.Post, Api + "run", new { model = "no-such-model" });
        Assert.Equal((404, "RESOURCE_DOES_NOT_EXIST"), (ghost.Status, ghost.ErrorCode));
    }

    private static List<string> Names(JsonElement element) => [.. element.EnumerateObject().Select(p => p.Name)];
}
