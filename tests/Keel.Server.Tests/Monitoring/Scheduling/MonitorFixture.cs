using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Models;
using Keel.Core.Monitoring;
using Keel.Core.Tracking;
using Keel.Data;
using Keel.ML.Packaging;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Keel.Server.Tests.Serving;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Keel.Server.Tests.Monitoring.Scheduling;

/// <summary>
/// A server on a fake clock serving real breast-cancer models trained here: version 1 (FastTree)
/// served directly as <see cref="Model"/>, and deployment <see cref="Deployment"/> rolling version 2
/// (logistic regression) out at 50 %. Both packages carry their training reference sample. The
/// monitoring scheduler is off in the server: tests run the runner, or schedulers of their own.
/// </summary>
public sealed class MonitorFixture : IAsyncLifetime
{
    public const string Model = "mon";
    public const string Deployment = "mon-canary";

    private readonly KeelApiFactory _server = new();

    public static DateTimeOffset Start { get; } = new(2026, 3, 1, 0, 0, 0, TimeSpan.Zero);

    public FakeTimeProvider Time { get; } = new(Start);

    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-monitor-sched-").FullName;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The signature's input columns.</summary>
    public string[] Columns { get; private set; } = [];

    /// <summary>Each data set row's inputs, in <see cref="Columns"/> order.</summary>
    public double[][] Rows { get; private set; } = [];

    /// <summary>The true class of each row, spelt as version 1 spells its labels.</summary>
    public string[] Truth { get; private set; } = [];

    /// <summary>Version 1's validation metrics (its package's).</summary>
    public IReadOnlyDictionary<string, double> Validation { get; private set; } = new Dictionary<string, double>();

    public async ValueTask InitializeAsync()
    {
        var v1 = await HotSwapFixture.TrainAsync(Folder, "v1", "trainer: {name: FastTree, params: {number_of_trees: 10, number_of_leaves: 4}}");
        var v2 = await HotSwapFixture.TrainAsync(Folder, "v2", "trainer: {name: LbfgsLogisticRegression}");
        var contents = await ModelPackage.ReadAsync(v1);
        Validation = contents.Metadata.ValidationMetrics;
        Columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var table = await TableReader.ReadAsync(Path.Combine(ServingFixture.RepositoryRoot(), "examples", "breast-cancer", "breast_cancer_wdbc.csv"));
        var columns = Columns.Select(c => table[c]!.Numbers!).ToArray();
        Rows = Enumerable.Range(0, table.RowCount).Select(r => columns.Select(c => c[r]).ToArray()).ToArray();
        var target = table["target"]!.Numbers!;
        using (var scorer = await ModelScorer.LoadAsync(v1))
        {
            var records = Rows.Select(r => Columns.Zip(r).ToDictionary(x => x.First, x => x.Second)).ToList();
            var predictions = scorer.Score(JsonSerializer.SerializeToElement(records));
            var positive = Enumerable.Range(0, Rows.Length).Where(r => target[r] == 1).GroupBy(r => predictions[r].Label!).OrderByDescending(g => g.Count()).First().Key;
            var negative = predictions.Select(p => p.Label!).Distinct().Single(l => l != positive);
            Truth = target.Select(t => t == 1 ? positive : negative).ToArray();
        }

        Factory = _server.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<TimeProvider>(Time)));
        Client = Factory.CreateClient();
        Assert.Equal(200, (await Client.ApiPostAsync("registered-models/create", new { name = Model })).Status);
        await RegisterAsync(v1);
        await RegisterAsync(v2);
        var served = await Client.ApiPostAsync("/api/2.0/keel/serving/models", new { name = Model, model_uri = $"models:/{Model}/1" });
        Assert.True(served.Status == 200, served.Body);
        var created = await Client.ApiPostAsync("/api/2.0/keel/deployments/create", new { spec = Spec("1") });
        Assert.True(created.Status == 200, created.Body);
        var applied = await Client.ApiPostAsync("/api/2.0/keel/deployments/apply", new { spec = Spec("2") });
        Assert.True(applied.Status == 200, applied.Body);
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        if (Factory is not null)
        {
            await Factory.DisposeAsync();
        }

        await _server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    public IMonitorRunner Runner => Service<IMonitorRunner>();

    public IMonitoringStore Store => Service<IMonitoringStore>();

    public T Service<T>()
        where T : notnull => Factory.Services.GetRequiredService<T>();

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Scores data set row <paramref name="row"/> (every input times <paramref name="scale"/>) at <paramref name="path"/> (<c>/serving/mon</c> or <c>/deployments/mon-canary</c>).</summary>
    public async Task<Scored> ScoreAsync(string path, int row, string requestId, double scale = 1)
    {
        var values = Rows[row].Select(v => v * scale).ToArray();
        var body = JsonSerializer.Serialize(new { dataframe_split = new { columns = Columns, data = new[] { values } } });
        using var request = new HttpRequestMessage(HttpMethod.Post, path + "/invocations") { Content = new StringContent(body, Encoding.UTF8) };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json");
        request.Headers.Add("X-Request-Id", requestId);
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        var prediction = JsonDocument.Parse(text).RootElement.GetProperty("predictions")[0];
        string? Header(string h) => response.Headers.TryGetValues(h, out var v) ? v.First() : null;
        return new Scored(requestId, row, prediction.GetProperty("predicted_label").GetString()!, prediction.GetProperty("probability").GetDouble(), Header("X-Keel-Model-Version"), Header("X-Keel-Deployment-Arm"));
    }

    /// <summary>Sends the true label of <paramref name="scored"/>'s row as feedback.</summary>
    public async Task FeedbackAsync(Scored scored)
    {
        var answer = await Client.ApiPostAsync("/api/2.0/keel/serving/feedback", new { request_id = scored.RequestId, labels = new[] { Truth[scored.Row] } });
        Assert.True(answer.Status == 200, answer.Body);
    }

    /// <summary>Writes what the prediction log holds to the store.</summary>
    public Task FlushAsync() => Service<PredictionLogger>().FlushAsync();

    private static object Spec(string version) => new
    {
        name = Deployment,
        model = Model,
        version,
        strategy = "canary",
        alias = "monitored",
        traffic = new { },
        steps = new object[] { new { set_weight = 50 }, new { pause = new { } } },
    };

    /// <summary>Uploads a package (with its reference sample) into a run and registers it as the next version.</summary>
    private async Task RegisterAsync(string package)
    {
        var runId = await Client.CreateRunAsync(await Client.CreateExperimentAsync());
        var run = await Service<ITrackingStore>().GetRunAsync(runId);
        var artifacts = Service<IArtifactStore>();
        var root = ArtifactUris.ToRelativePath(run.Info.ArtifactUri);
        foreach (var file in Directory.GetFiles(package, "*", SearchOption.AllDirectories))
        {
            await using var stream = File.OpenRead(file);
            await artifacts.WriteAsync($"{root}/model/{Path.GetRelativePath(package, file).Replace('\\', '/')}", stream);
        }

        var answer = await Client.ApiPostAsync("model-versions/create", new { name = Model, source = $"runs:/{runId}/model", run_id = runId });
        Assert.True(answer.Status == 200, answer.Body);
    }

    internal static string Text(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}

/// <summary>One scored request: its id, data set row, answer and the routing headers.</summary>
public sealed record Scored(string RequestId, int Row, string Label, double Probability, string? Version, string? Arm);

[CollectionDefinition(Name)]
public sealed class MonitorCollection : ICollectionFixture<MonitorFixture>
{
    public const string Name = "MonitorScheduling";
}
