using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Tracking;
using Keel.Data;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Keel.Server.Tests.Serving;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Server.Tests.Monitoring.EndToEnd;

/// <summary>
/// A classifier trained here with the real pipeline on three rows in five of the shipped credit
/// data (so its package holds the labelled held-out reference), registered and served by a real
/// server on a fake clock; the other two rows in five, shuffled, are the traffic, sent through
/// <c>/serving/NAME/invocations</c> window by window, with their true labels for feedback.
/// </summary>
internal sealed class ServedCreditClassifier : IAsyncDisposable
{
    public const string Api = "/api/2.0/keel/monitoring/";

    /// <summary>One minute per window.</summary>
    public const long WindowMs = 60_000;

    private static readonly DateTimeOffset Start = new(2026, 6, 1, 0, 0, 0, TimeSpan.Zero);
    private readonly KeelApiFactory _server = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-cbpe-live-").FullName;
    private WebApplicationFactory<Program> _factory = null!;
    private ModelScorer _scorer = null!;

    private ServedCreditClassifier(string model) => Model = model;

    public string Model { get; }

    public FakeTimeProvider Time { get; } = new(Start);

    public HttpClient Client { get; private set; } = null!;

    public string PackageDirectory { get; private set; } = "";

    /// <summary>The traffic rows, as a client sends them.</summary>
    public IReadOnlyList<Dictionary<string, JsonElement>> Rows { get; private set; } = [];

    /// <summary>The true class of each traffic row.</summary>
    public IReadOnlyList<string> Labels { get; private set; } = [];

    /// <summary>The model's own predictions for each traffic row (for choosing rows, never for expected values).</summary>
    public IReadOnlyList<ModelPrediction> Predictions { get; private set; } = [];

    public T Service<T>() where T : notnull => _factory.Services.GetRequiredService<T>();

    /// <summary>Trains on the credit data with <paramref name="target"/> as the label, registers and serves the model.</summary>
    public static async Task<ServedCreditClassifier> StartAsync(string model, string target, string task, string trainer)
    {
        var served = new ServedCreditClassifier(model);
        await served.InitializeAsync(target, task, trainer);
        return served;
    }

    private async Task InitializeAsync(string target, string task, string trainer)
    {
        var ct = TestContext.Current.CancellationToken;
        var lines = await File.ReadAllLinesAsync(Path.Combine(ServingFixture.RepositoryRoot(), "examples", "credit", "credit_data.csv"), ct);
        var header = lines[0].Split(',');
        var targetIndex = Array.IndexOf(header, target);
        var rows = lines.Skip(1).Where(l => l.Split(',')[targetIndex].Length > 0).ToArray();
        await File.WriteAllLinesAsync(Path.Combine(_folder, "train.csv"), lines.Take(1).Concat(rows.Where((_, i) => i % 5 >= 2)), ct);
        var traffic = rows.Where((_, i) => i % 5 < 2).ToArray();
        new Random(17).Shuffle(traffic);
        var streamFile = Path.Combine(_folder, "stream.csv");
        await File.WriteAllLinesAsync(streamFile, lines.Take(1).Concat(traffic), ct);

        // Held-out splits of 40 % (about 1,070 rows) feed the labelled reference: above CBPE's 500-row minimum.
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse($$"""
                name: {{Model}}
                data: {path: train.csv, target: {{target}}, task: {{task}}}
                split: {train: 0.6, validation: 0.2, test: 0.2, seed: 3}
                trainer: {{trainer}}
                importance: false
                monitoring: {reference_rows: 2000}
                """, Path.Combine(_folder, "pipeline.yaml")),
            OutputDirectory = Path.Combine(_folder, "run"),
        }, ct);
        PackageDirectory = result.PackageDirectory;
        var inputs = result.Metadata.Signature.Inputs.Select(c => c.Name).ToArray();
        var stream = await TableReader.ReadAsync(streamFile, new TableReadOptions { KeepText = true }, cancellationToken: ct);
        var list = new List<Dictionary<string, JsonElement>>(stream.RowCount);
        for (var r = 0; r < stream.RowCount; r++)
        {
            var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var name in inputs)
            {
                var column = stream[name]!;
                row[name] = column.Numbers is { } numbers
                    ? JsonSerializer.SerializeToElement(double.IsNaN(numbers[r]) ? (double?)null : numbers[r])
                    : JsonSerializer.SerializeToElement(column.Texts![r]);
            }

            list.Add(row);
        }

        Rows = list;
        Labels = [.. stream[target]!.Texts!];
        _scorer = await ModelScorer.LoadAsync(PackageDirectory, ct);
        Predictions = _scorer.Score(list.Select(r => (IReadOnlyDictionary<string, JsonElement>)r).ToArray());

        _factory = _server.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Time)));
        Client = _factory.CreateClient();
        Assert.Equal(200, (await Client.ApiPostAsync("registered-models/create", new { name = Model })).Status);
        var runId = await Client.CreateRunAsync(await Client.CreateExperimentAsync());
        var run = await Service<ITrackingStore>().GetRunAsync(runId, ct);
        var artifacts = Service<IArtifactStore>();
        var root = ArtifactUris.ToRelativePath(run.Info.ArtifactUri);
        foreach (var file in Directory.GetFiles(PackageDirectory, "*", SearchOption.AllDirectories))
        {
            await using var content = File.OpenRead(file);
            await artifacts.WriteAsync($"{root}/model/{Path.GetRelativePath(PackageDirectory, file).Replace('\\', '/')}", content, ct);
        }

        var registered = await Client.ApiPostAsync("model-versions/create", new { name = Model, source = $"runs:/{runId}/model", run_id = runId });
        Assert.True(registered.Status == 200, registered.Body);
        var serving = await Client.ApiPostAsync("/api/2.0/keel/serving/models", new { name = Model, model_uri = $"models:/{Model}/1" });
        Assert.True(serving.Status == 200, serving.Body);
    }

    /// <summary>The end of window <paramref name="window"/> (exclusive).</summary>
    public long EndOf(int window) => Start.ToUnixTimeMilliseconds() + ((window + 1) * WindowMs);

    /// <summary>
    /// Sends traffic rows <paramref name="rows"/> in window <paramref name="window"/> through the
    /// serving endpoint, <paramref name="perRequest"/> rows per request; answers the request ids
    /// with the rows each carried.
    /// </summary>
    public async Task<List<(string RequestId, int[] Rows)>> ServeAsync(int window, IReadOnlyList<int> rows, int perRequest = 10)
    {
        Time.SetUtcNow(Start.AddMilliseconds((window * WindowMs) + 1000));
        var sent = new List<(string, int[])>();
        for (var at = 0; at < rows.Count; at += perRequest)
        {
            var chunk = rows.Skip(at).Take(perRequest).ToArray();
            var id = $"w{window}-{at}";
            using var request = new HttpRequestMessage(HttpMethod.Post, $"/serving/{Model}/invocations")
            {
                Content = new StringContent(JsonSerializer.Serialize(new { dataframe_records = chunk.Select(r => Rows[r]) }), System.Text.Encoding.UTF8, "application/json"),
            };
            request.Headers.Add("X-Request-Id", id);
            using var response = await Client.SendAsync(request, TestContext.Current.CancellationToken);
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
            sent.Add((id, chunk));
        }

        await Service<PredictionLogger>().FlushAsync(TestContext.Current.CancellationToken);
        return sent;
    }

    /// <summary>Posts the true labels of every request in <paramref name="sent"/> through the serving feedback endpoint.</summary>
    public async Task FeedbackAsync(IEnumerable<(string RequestId, int[] Rows)> sent)
    {
        foreach (var (id, rows) in sent)
        {
            var answer = await Client.ApiPostAsync("/api/2.0/keel/serving/feedback", new { request_id = id, labels = rows.Select(r => Labels[r]).ToArray() });
            Assert.True(answer.Status == 200, answer.Body);
        }
    }

    /// <summary>Applies a monitor of one-minute windows with <paramref name="rules"/>.</summary>
    public async Task ApplyAsync(params object[] rules)
    {
        var applied = await Client.ApiSendAsync(HttpMethod.Post, Api + "monitors/apply", new { model = Model, interval_seconds = 60, window_seconds = 60, rules });
        Assert.True(applied.Status == 200, applied.Body);
    }

    /// <summary>Runs the pass of window <paramref name="window"/>: its one window's performance, and the alert changes.</summary>
    public async Task<(JsonElement Performance, JsonElement Changes)> RunAsync(int window)
    {
        var run = await Client.ApiSendAsync(HttpMethod.Post, Api + "run", new { model = Model, window_end_ms = EndOf(window) });
        Assert.True(run.Status == 200, run.Body);
        return (Assert.Single(run["windows"].EnumerateArray()).GetProperty("performance"), run["alert_changes"]);
    }

    public async ValueTask DisposeAsync()
    {
        _scorer?.Dispose();
        Client?.Dispose();
        if (_factory is not null)
        {
            await _factory.DisposeAsync();
        }

        await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }
}
