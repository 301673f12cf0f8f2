using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;

namespace Keel.Server.Tests.Monitoring.EndToEnd;

/// <summary>
/// Failed requests end to end: the credit model served by the server, sent real rows and rows whose
/// numeric input is a word (the model's signature refuses them), through <c>/invocations</c>. The
/// failures land in the prediction log with their error code, the monitor's window counts them, and
/// an <c>error_rate</c> rule fires through the real runner and evaluator. And a model served under
/// another name than its registered one is monitored fully (drift and quality, not only traffic).
/// </summary>
[Collection(CreditStreamCollection.Name)]
public sealed class ErrorRateAlertEndToEndTests(CreditStream credit)
{
    [Fact]
    public async Task ServedModelRefusingAThirdOfRequests_FiresTheErrorRateRule_FromTheLogsFailedRequests()
    {
        await using var server = await MonitoredServer.StartAsync(credit);
        await ServeAsync(server, MonitoredServer.Model);
        await server.ApplyAsync(new
        {
            model = MonitoredServer.Model,
            interval_seconds = 60,
            window_seconds = 3600,
            rules = new object[] { new { name = "errors", kind = "error_rate", threshold = 0.2, severity = "critical" } },
        });

        // A clean window first: 40 answered requests, no failure, no alert.
        for (var i = 0; i < 40; i++)
        {
            await InvokeAsync(server, MonitoredServer.Model, credit.Rows[i], $"ok-{i}", expectSuccess: true);
        }

        await server.Service<PredictionLogger>().FlushAsync(TestContext.Current.CancellationToken);
        var (clean, cleanChanges) = await RunNowAsync(server, MonitoredServer.Model);
        var cleanWindow = Assert.Single(clean.EnumerateArray());
        Assert.Equal((40, 0), (cleanWindow.GetProperty("requests").GetInt32(), cleanWindow.GetProperty("errors").GetInt32()));
        Assert.Empty(cleanChanges.EnumerateArray());

        // Then 20 requests the model's signature refuses: 20 of 60 requests failed.
        var numeric = credit.Inputs.First(n => credit.Rows[0][n].ValueKind == JsonValueKind.Number);
        for (var i = 0; i < 20; i++)
        {
            var bad = new Dictionary<string, JsonElement>(credit.Rows[100 + i], StringComparer.Ordinal) { [numeric] = JsonSerializer.SerializeToElement("not-a-number") };
            await InvokeAsync(server, MonitoredServer.Model, bad, $"bad-{i}", expectSuccess: false);
        }

        await server.Service<PredictionLogger>().FlushAsync(TestContext.Current.CancellationToken);
        var (windows, changes) = await RunNowAsync(server, MonitoredServer.Model);

        var window = Assert.Single(windows.EnumerateArray());
        Assert.Equal((60, 20), (window.GetProperty("requests").GetInt32(), window.GetProperty("errors").GetInt32()));
        Assert.Equal("firing", Assert.Single(changes.EnumerateArray()).GetProperty("to").GetString());
        var alert = Assert.Single(await server.AlertsAsync("firing"));
        Assert.Equal(("errors", "error_rate"), (alert.GetProperty("rule").GetString(), alert.GetProperty("kind").GetString()));

        // The log lists the failures with their code; drift/quality saw only the 40 answered rows.
        var failed = await server.Client.ApiGetAsync($"/api/2.0/keel/serving/predictions?model={MonitoredServer.Model}&errors=only");
        Assert.True(failed.Status == 200, failed.Body);
        var rows = failed["predictions"].EnumerateArray().ToList();
        Assert.Equal(20, rows.Count);
        Assert.All(rows, r => Assert.Equal("INVALID_PARAMETER_VALUE", r.GetProperty("error_code").GetString()));
        Assert.All(rows, r => Assert.Equal(0, r.GetProperty("outputs").GetArrayLength()));
        var listed = await server.Client.ApiGetAsync($"/api/2.0/keel/serving/predictions?model={MonitoredServer.Model}");
        var answered = await server.Client.ApiGetAsync($"/api/2.0/keel/serving/predictions?model={MonitoredServer.Model}&errors=exclude");
        Assert.Equal((60, 40), (listed["predictions"].GetArrayLength(), answered["predictions"].GetArrayLength()));
        Assert.Equal(40, window.GetProperty("input_rows").GetInt32());
        var refused = await server.Client.ApiGetAsync($"/api/2.0/keel/serving/predictions?model={MonitoredServer.Model}&errors=some");
        Assert.Equal((400, "INVALID_PARAMETER_VALUE"), (refused.Status, refused.ErrorCode));
    }

    [Fact]
    public async Task ModelServedUnderAnotherName_IsMonitoredWithItsRegisteredVersionsReference_DriftAndQualityIncluded()
    {
        await using var server = await MonitoredServer.StartAsync(credit);
        const string Served = "fraud";
        await ServeAsync(server, Served);
        for (var i = 0; i < 120; i++)
        {
            await InvokeAsync(server, Served, credit.Rows[i], $"f-{i}", expectSuccess: true);
        }

        await server.Service<PredictionLogger>().FlushAsync(TestContext.Current.CancellationToken);
        var (windows, _) = await RunNowAsync(server, Served);

        var window = Assert.Single(windows.EnumerateArray());
        Assert.Equal((Served, "1", 120), (window.GetProperty("model").GetString(), window.GetProperty("version").GetString(), window.GetProperty("requests").GetInt32()));
        Assert.Equal("training", window.GetProperty("reference_source").GetString());
        Assert.Equal(120, window.GetProperty("input_rows").GetInt32());
        Assert.True(window.GetProperty("drifted_share").ValueKind == JsonValueKind.Number, window.GetRawText());
        Assert.True(window.GetProperty("quality").ValueKind == JsonValueKind.Object, window.GetRawText());
        Assert.Contains(window.GetProperty("features").EnumerateArray(), f => f.GetProperty("kind").GetString() == "input");
    }

    private static async Task ServeAsync(MonitoredServer server, string name)
    {
        var served = await server.Client.ApiPostAsync("/api/2.0/keel/serving/models", new { name, model_uri = $"models:/{MonitoredServer.Model}/1" });
        Assert.True(served.Status == 200, served.Body);
    }

    private static async Task<(JsonElement Windows, JsonElement Changes)> RunNowAsync(MonitoredServer server, string model)
    {
        var end = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000;
        var run = await server.Client.ApiSendAsync(HttpMethod.Post, MonitoredServer.Api + "run", new { model, window_end_ms = end });
        Assert.True(run.Status == 200, run.Body);
        return (run["windows"], run["alert_changes"]);
    }

    private static async Task InvokeAsync(MonitoredServer server, string name, Dictionary<string, JsonElement> row, string requestId, bool expectSuccess)
    {
        var body = JsonSerializer.Serialize(new { dataframe_records = new[] { row } });
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/serving/{name}/invocations") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await server.Client.SendAsync(request, TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.IsSuccessStatusCode == expectSuccess, $"{(int)response.StatusCode}: {text}");
    }
}
