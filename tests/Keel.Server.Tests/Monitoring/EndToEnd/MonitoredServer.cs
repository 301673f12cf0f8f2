using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.ML.Packaging;
using Keel.Server.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Monitoring.EndToEnd;

/// <summary>
/// A real server (<see cref="KeelApiFactory"/>: SQLite stores, the scheduler off so only the passes a
/// test asks for run) with the credit model registered, a prediction log filled window by window with
/// controlled timestamps, and the monitoring REST API driven as a client would.
/// </summary>
internal sealed class MonitoredServer : IAsyncDisposable
{
    public const string Api = "/api/2.0/keel/monitoring/";
    public const string Model = "credit-monitored";

    /// <summary>One minute per window: the monitor's interval and window.</summary>
    public const long WindowMs = 60_000;

    private readonly KeelApiFactory _factory = new();

    private MonitoredServer(long startMs)
    {
        StartMs = startMs;
        Client = _factory.CreateClient();
    }

    public HttpClient Client { get; }

    /// <summary>Window 0 starts here: a day ago, on a whole minute.</summary>
    public long StartMs { get; }

    public T Service<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    /// <summary>Starts a server with the package registered as versions 1..<paramref name="versions"/>.</summary>
    public static async Task<MonitoredServer> StartAsync(CreditStream credit, int versions = 1)
    {
        var now = DateTimeOffset.UtcNow.AddDays(-1).ToUnixTimeMilliseconds();
        var server = new MonitoredServer(now - (now % WindowMs));
        var ct = TestContext.Current.CancellationToken;
        var artifacts = server.Service<IArtifactStore>();
        foreach (var file in Directory.GetFiles(credit.PackageDirectory, "*", SearchOption.AllDirectories))
        {
            await using var stream = File.OpenRead(file);
            await artifacts.WriteAsync("models/" + Model + "/" + Path.GetRelativePath(credit.PackageDirectory, file).Replace('\\', '/'), stream, ct);
        }

        var registry = server.Service<IRegistryStore>();
        var actor = new Actor("test");
        await registry.CreateRegisteredModelAsync(Model, null, null, actor, ct);
        for (var v = 0; v < versions; v++)
        {
            await registry.CreateModelVersionAsync(new CreateModelVersionCommand(Model, "mlflow-artifacts:/models/" + Model, null, null, null, null, null), actor, ct);
        }

        return server;
    }

    /// <summary>The end of window <paramref name="window"/> (exclusive).</summary>
    public long EndOf(int window) => StartMs + ((window + 1) * WindowMs);

    /// <summary>Request id of the <paramref name="index"/>-th request of window <paramref name="window"/>.</summary>
    public static string RequestId(int window, int index) => $"w{window}-r{index}";

    /// <summary>Logs one request per row in window <paramref name="window"/>, with the model's real predictions for exactly these rows.</summary>
    public async Task LogWindowAsync(CreditStream credit, int window, IReadOnlyList<Dictionary<string, JsonElement>> rows, IReadOnlyList<ModelPrediction> predictions, string version = "1")
    {
        var records = new List<PredictionLogRecord>(rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            var row = rows[i];
            var inputJson = "[[" + string.Join(',', credit.Inputs.Select(n => row[n].GetRawText())) + "]]";
            var outputJson = JsonSerializer.Serialize(new[] { new Dictionary<string, object?> { ["predicted_label"] = predictions[i].Label, ["probability"] = predictions[i].Probability } });
            records.Add(new PredictionLogRecord(RequestId(window, i), Model, version, StartMs + (window * WindowMs) + (i * (WindowMs - 1) / rows.Count), 80, 1, credit.Inputs, inputJson, outputJson));
        }

        await Service<IPredictionStore>().AppendAsync(records, TestContext.Current.CancellationToken);
    }

    /// <summary>Applies the monitor through <c>POST monitors/apply</c>.</summary>
    public async Task ApplyAsync(object spec)
    {
        var applied = await Client.ApiSendAsync(HttpMethod.Post, Api + "monitors/apply", spec);
        Assert.True(applied.Status == 200, applied.Body);
    }

    /// <summary>Runs the pass of window <paramref name="window"/> through <c>POST run</c>; answers its windows and alert changes.</summary>
    public async Task<(JsonElement Windows, JsonElement Changes)> RunAsync(int window)
    {
        var run = await Client.ApiSendAsync(HttpMethod.Post, Api + "run", new { model = Model, window_end_ms = EndOf(window) });
        Assert.True(run.Status == 200, run.Body);
        return (run["windows"], run["alert_changes"]);
    }

    /// <summary>Every alert of the model (<c>GET alerts/list</c>).</summary>
    public async Task<JsonElement[]> AlertsAsync(string? state = null)
    {
        var list = await Client.ApiGetAsync($"{Api}alerts/list?model={Model}" + (state is null ? "" : "&state=" + state));
        Assert.True(list.Status == 200, list.Body);
        return [.. list["alerts"].EnumerateArray()];
    }

    /// <summary>The model's alert history, oldest first (<c>GET alerts/history</c> answers newest first).</summary>
    public async Task<JsonElement[]> HistoryAsync()
    {
        var history = await Client.ApiGetAsync($"{Api}alerts/history?model={Model}&max_results=1000");
        Assert.True(history.Status == 200, history.Body);
        return [.. history["events"].EnumerateArray().Reverse()];
    }

    /// <summary>Posts the true label of a logged request through the serving feedback endpoint.</summary>
    public async Task FeedbackAsync(string requestId, string label)
    {
        var answer = await Client.ApiSendAsync(HttpMethod.Post, "/api/2.0/keel/serving/feedback", new { request_id = requestId, labels = new[] { label } });
        Assert.True(answer.Status == 200, answer.Body);
    }

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await _factory.DisposeAsync();
    }
}
