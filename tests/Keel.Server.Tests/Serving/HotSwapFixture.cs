using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Models;
using Keel.Core.Tracking;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Serving;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Serving;

/// <summary>
/// Two small breast-cancer models that answer differently (v1 FastTree, v2 logistic regression),
/// registered as versions 1 and 2 of <see cref="Model"/> in an in-memory server whose follower
/// re-resolves every 100 ms; version 3 is the v1 package with a corrupt <c>model.zip</c>.
/// </summary>
public sealed class HotSwapFixture : IAsyncLifetime
{
    public const string Model = "hs";

    private const string Data = "data: {path: breast_cancer_wdbc.csv, target: target, task: binary, drop: [diagnosis]}\nsplit: {train: 0.8, validation: 0.1, test: 0.1, seed: 7}\n";

    private readonly KeelApiFactory _server = new();

    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-hotswap-tests-").FullName;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    public string V1Package { get; private set; } = string.Empty;

    public string V2Package { get; private set; } = string.Empty;

    /// <summary>One example row as an MLflow <c>dataframe_records</c> body.</summary>
    public string Body { get; private set; } = string.Empty;

    /// <summary>The example rows (column name to value).</summary>
    public IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> Rows { get; private set; } = [];

    /// <summary>What v1 and v2 say for the row in <see cref="Body"/> (P(positive class)).</summary>
    public double V1Probability { get; private set; }

    public double V2Probability { get; private set; }

    public async ValueTask InitializeAsync()
    {
        V1Package = await TrainAsync(Folder, "v1", "trainer: {name: FastTree, params: {number_of_trees: 5, number_of_leaves: 4}}");
        V2Package = await TrainAsync(Folder, "v2", "trainer: {name: LbfgsLogisticRegression}");

        var contents = await ModelPackage.ReadAsync(V1Package);
        var columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        Rows = contents.InputExample.GetProperty("data").EnumerateArray()
            .Select(r => (IReadOnlyDictionary<string, JsonElement>)columns.Zip(r.EnumerateArray()).ToDictionary(p => p.First, p => p.Second))
            .ToList();
        Body = JsonSerializer.Serialize(new { dataframe_records = new[] { Rows[0] } });
        using (var v1 = await ModelScorer.LoadAsync(V1Package))
        using (var v2 = await ModelScorer.LoadAsync(V2Package))
        {
            V1Probability = v1.Score([Rows[0]])[0].Probability!.Value;
            V2Probability = v2.Score([Rows[0]])[0].Probability!.Value;
        }

        Assert.NotEqual(V1Probability, V2Probability);

        Factory = _server.WithWebHostBuilder(b => b.UseSetting("Keel:Serving:FollowInterval", "00:00:00.100"));
        Client = Factory.CreateClient();
        Assert.Equal(200, (await Client.ApiPostAsync("registered-models/create", new { name = Model })).Status);
        await RegisterAsync(Client, Factory.Services, Model, V1Package, corrupt: false);
        await RegisterAsync(Client, Factory.Services, Model, V2Package, corrupt: false);
        await RegisterAsync(Client, Factory.Services, Model, V1Package, corrupt: true);
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

    /// <summary>The server's served-model registry.</summary>
    public ServedModelRegistry Served => Factory.Services.GetRequiredService<ServedModelRegistry>();

    /// <summary>Points <paramref name="alias"/> of <see cref="Model"/> at <paramref name="version"/>.</summary>
    public async Task SetAliasAsync(string alias, int version)
    {
        var answer = await Client.ApiPostAsync("registered-models/alias", new { name = Model, alias, version = version.ToString(System.Globalization.CultureInfo.InvariantCulture) });
        Assert.True(answer.Status == 200, answer.Body);
    }

    /// <summary>Serves <paramref name="modelUri"/> as <paramref name="name"/> through the admin API.</summary>
    public async Task<ApiAnswer> LoadAsync(string name, string modelUri) =>
        await Client.ApiPostAsync("/api/2.0/keel/serving/models", new { name, model_uri = modelUri });

    /// <summary>The admin API's description of <paramref name="name"/>.</summary>
    public async Task<JsonElement> DescribeAsync(string name)
    {
        var list = await Client.ApiGetAsync("/api/2.0/keel/serving/models");
        return list["models"].EnumerateArray().Single(m => m.GetProperty("name").GetString() == name);
    }

    /// <summary>Scores <see cref="Body"/> on <paramref name="name"/>: the status and P(positive) (NaN unless 200).</summary>
    public async Task<(int Status, double Probability, string Body)> ScoreAsync(HttpClient client, string name)
    {
        using var content = new StringContent(Body, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PostAsync($"/serving/{name}/invocations", content);
        var text = await response.Content.ReadAsStringAsync();
        var probability = response.IsSuccessStatusCode
            ? JsonDocument.Parse(text).RootElement.GetProperty("predictions")[0].GetProperty("probability").GetDouble()
            : double.NaN;
        return ((int)response.StatusCode, probability, text);
    }

    /// <summary>Polls until <paramref name="condition"/> holds, failing after <paramref name="seconds"/>.</summary>
    public static async Task WaitForAsync(Func<Task<bool>> condition, string what, double seconds = 15)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"Timed out after {seconds} s waiting for {what}.");
            await Task.Delay(25);
        }
    }

    /// <summary>Trains a breast-cancer model with <paramref name="trainer"/> into <paramref name="folder"/>/<paramref name="name"/>; returns its package directory.</summary>
    internal static async Task<string> TrainAsync(string folder, string name, string trainer)
    {
        var source = Path.Combine(ServingFixtureRoot(), "examples", "breast-cancer", "pipeline.yaml");
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse($"name: {name}\n{Data}{trainer}\n", source),
            OutputDirectory = Path.Combine(folder, name),
            ComputeImportance = false,
        });
        return result.PackageDirectory;
    }

    /// <summary>A run holding the package under <c>model/</c> (its model.zip corrupt if asked), registered as the next version of <paramref name="model"/>.</summary>
    internal static async Task RegisterAsync(HttpClient client, IServiceProvider services, string model, string package, bool corrupt)
    {
        var runId = await client.CreateRunAsync(await client.CreateExperimentAsync());
        var run = await services.GetRequiredService<ITrackingStore>().GetRunAsync(runId);
        var artifacts = services.GetRequiredService<IArtifactStore>();
        var root = ArtifactUris.ToRelativePath(run.Info.ArtifactUri);
        foreach (var file in Directory.GetFiles(package))
        {
            await using Stream stream = corrupt && Path.GetFileName(file) == "model.zip"
                ? new MemoryStream("this is not a zip file"u8.ToArray())
                : File.OpenRead(file);
            await artifacts.WriteAsync($"{root}/model/{Path.GetFileName(file)}", stream);
        }

        var answer = await client.ApiPostAsync("model-versions/create", new { name = model, source = $"runs:/{runId}/model", run_id = runId });
        Assert.Equal(200, answer.Status);
    }

    private static string ServingFixtureRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Keel.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test binaries.");
    }
}

[CollectionDefinition(Name)]
public sealed class HotSwapCollection : ICollectionFixture<HotSwapFixture>
{
    public const string Name = "HotSwap";
}
