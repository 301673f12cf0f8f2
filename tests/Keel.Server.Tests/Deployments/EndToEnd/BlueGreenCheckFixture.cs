using Keel.Core.Artifacts;
using Keel.Core.Tracking;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Deployments.EndToEnd;

/// <summary>
/// A server with the deployment controller on and two breast-cancer logistic regressions registered as
/// versions 1 (stable) and 2 (candidate) of <see cref="Model"/>; the data set is stored in the artifact
/// store twice: whole under version 1's run (<see cref="RunData"/>) and without one input column
/// (<see cref="NarrowData"/>), plus the whole set at <see cref="StoreData"/>.
/// </summary>
public sealed class BlueGreenCheckFixture : IAsyncLifetime
{
    public const string Model = "bg-check-bc";

    public const string StoreData = "mlflow-artifacts:/check-data/breast_cancer.csv";

    public const string NarrowData = "mlflow-artifacts:/check-data/without_mean_radius.csv";

    public const string GarbageData = "mlflow-artifacts:/check-data/garbage.parquet";

    private readonly KeelApiFactory _server = new();

    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-bg-check-tests-").FullName;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The data set as <c>runs:/&lt;version 1's run&gt;/data/breast_cancer.csv</c>.</summary>
    public string RunData { get; private set; } = "";

    /// <summary>The first row without target and diagnosis, as a <c>dataframe_records</c> body.</summary>
    public string Body { get; private set; } = "";

    public async ValueTask InitializeAsync()
    {
        var csv = Path.Combine(RepositoryRoot(), "examples", "breast-cancer", "breast_cancer_wdbc.csv");
        var lines = (await File.ReadAllLinesAsync(csv)).Where(l => l.Length > 0).ToArray();
        var header = lines[0].Split(',');
        var cells = lines[1].Split(',');
        var row = Enumerable.Range(0, header.Length).Where(i => header[i] is not ("target" or "diagnosis"))
            .ToDictionary(i => header[i], i => double.Parse(cells[i], System.Globalization.CultureInfo.InvariantCulture));
        Body = System.Text.Json.JsonSerializer.Serialize(new { dataframe_records = new[] { row } });

        var packages = new[] { await TrainAsync("stable", csv, 7), await TrainAsync("candidate", csv, 8) };
        _server.Settings["Keel:Deployments:Controller:Enabled"] = "true";
        _server.Settings["Keel:Deployments:Controller:Tick"] = "00:00:00.100";
        _server.Settings["Keel:Deployments:Controller:LeaseDuration"] = "00:00:02";
        Factory = _server;
        Client = Factory.CreateClient();
        Assert.Equal(200, (await Client.ApiPostAsync("registered-models/create", new { name = Model })).Status);
        var runs = new List<string>();
        foreach (var package in packages)
        {
            runs.Add(await RegisterAsync(package));
        }

        var artifacts = Factory.Services.GetRequiredService<IArtifactStore>();
        var run = await Factory.Services.GetRequiredService<ITrackingStore>().GetRunAsync(runs[0]);
        await WriteAsync(artifacts, ArtifactUris.ToRelativePath(run.Info.ArtifactUri) + "/data/breast_cancer.csv", lines);
        RunData = $"runs:/{runs[0]}/data/breast_cancer.csv";
        await WriteAsync(artifacts, ArtifactUris.ToRelativePath(StoreData), lines);
        var drop = Array.IndexOf(header, "mean_radius");
        using (var garbage = new MemoryStream([.. Enumerable.Range(0, 4096).Select(i => (byte)(i * 7919 % 251))]))
        {
            await artifacts.WriteAsync(ArtifactUris.ToRelativePath(GarbageData), garbage);
        }

        await WriteAsync(artifacts, ArtifactUris.ToRelativePath(NarrowData), lines.Select(l => string.Join(',', l.Split(',').Where((_, i) => i != drop))));
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    private static async Task WriteAsync(IArtifactStore artifacts, string path, IEnumerable<string> lines)
    {
        using var stream = new MemoryStream(System.Text.Encoding.UTF8.GetBytes(string.Join('\n', lines) + "\n"));
        await artifacts.WriteAsync(path, stream);
    }

    private async Task<string> TrainAsync(string name, string data, int seed)
    {
        var yaml = $"name: {name}\ndata: {{path: {data}, target: target, task: binary, drop: [diagnosis]}}\nsplit: {{train: 0.8, validation: 0.1, test: 0.1, seed: {seed}}}\ntrainer: {{name: LbfgsLogisticRegression}}\n";
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(yaml, Path.Combine(Folder, name + ".yaml")),
            OutputDirectory = Path.Combine(Folder, name),
            ComputeImportance = false,
        });
        return result.PackageDirectory;
    }

    private async Task<string> RegisterAsync(string package)
    {
        var runId = await Client.CreateRunAsync(await Client.CreateExperimentAsync());
        var run = await Factory.Services.GetRequiredService<ITrackingStore>().GetRunAsync(runId);
        var artifacts = Factory.Services.GetRequiredService<IArtifactStore>();
        var root = ArtifactUris.ToRelativePath(run.Info.ArtifactUri);
        foreach (var file in Directory.GetFiles(package))
        {
            await using var stream = File.OpenRead(file);
            await artifacts.WriteAsync($"{root}/model/{Path.GetFileName(file)}", stream);
        }

        var answer = await Client.ApiPostAsync("model-versions/create", new { name = Model, source = $"runs:/{runId}/model", run_id = runId });
        Assert.True(answer.Status == 200, answer.Body);
        return runId;
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Keel.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Keel.slnx not found above the test binaries.");
    }
}
