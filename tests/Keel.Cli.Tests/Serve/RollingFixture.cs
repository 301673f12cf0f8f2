using System.Text.Json;
using Keel.Client;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;

namespace Keel.Cli.Tests.Serve;

/// <summary>
/// A real <c>keel server</c> process (its rolling coordinator ticking every 100 ms) holding one
/// registered model with three versions: 1, a breast-cancer FastTree; 2, a logistic regression
/// that answers differently; 3, version 1's package with a <c>model.zip</c> that is not a zip (it
/// cannot load).
/// </summary>
public sealed class RollingFixture : IAsyncLifetime
{
    public const string Model = "bc-rolling";

    private const string Data = "data: {path: breast_cancer_wdbc.csv, target: target, task: binary, drop: [diagnosis]}\nsplit: {train: 0.8, validation: 0.1, test: 0.1, seed: 7}\n";

    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-rolling-e2e-").FullName;

    public ChildProcess Server { get; private set; } = null!;

    /// <summary>One example row as an MLflow <c>dataframe_records</c> body.</summary>
    public string Body { get; private set; } = string.Empty;

    /// <summary>What versions 1 and 2 answer for <see cref="Body"/> (P(positive class)).</summary>
    public double V1Probability { get; private set; }

    public double V2Probability { get; private set; }

    public async ValueTask InitializeAsync()
    {
        if (NginxProcess.Unavailable is not null)
        {
            return;
        }

        Server = await ChildProcess.StartAsync(
            ["server", "--port", "0", "--backend-store-uri", $"sqlite:///{Folder}/keel.db", "--artifacts-uri", Path.Combine(Folder, "artifacts")],
            "Keel server listening on ",
            new Dictionary<string, string> { ["Keel__Deployments__Rolling__TickInterval"] = "00:00:00.100" });

        var v1 = await TrainAsync("v1", "trainer: {name: FastTree, params: {number_of_trees: 5, number_of_leaves: 4}}");
        var v2 = await TrainAsync("v2", "trainer: {name: LbfgsLogisticRegression}");
        var contents = await ModelPackage.ReadAsync(v1);
        var columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        IReadOnlyDictionary<string, JsonElement> row = columns.Zip(contents.InputExample.GetProperty("data")[0].EnumerateArray()).ToDictionary(p => p.First, p => p.Second);
        Body = JsonSerializer.Serialize(new { dataframe_records = new[] { row } });
        using (var s1 = await ModelScorer.LoadAsync(v1))
        using (var s2 = await ModelScorer.LoadAsync(v2))
        {
            V1Probability = s1.Score([row])[0].Probability!.Value;
            V2Probability = s2.Score([row])[0].Probability!.Value;
        }

        Assert.NotEqual(V1Probability, V2Probability);
        var corrupt = Path.Combine(Folder, "v3");
        Directory.CreateDirectory(corrupt);
        foreach (var file in Directory.GetFiles(v1))
        {
            File.Copy(file, Path.Combine(corrupt, Path.GetFileName(file)));
        }

        await File.WriteAllTextAsync(Path.Combine(corrupt, "model.zip"), "this is not a zip file");

        using var client = CreateClient();
        await client.CreateRegisteredModelAsync(Model, null, null, new Actor("test"));
        var experiment = await client.CreateExperimentAsync("rolling-e2e");
        foreach (var package in new[] { v1, v2, corrupt })
        {
            var run = await client.CreateRunAsync(new CreateRunCommand(experiment, "test", null, null, null));
            await client.UploadRunArtifactsAsync(run.Info.RunId, package, "model");
            await client.CreateModelVersionAsync(new CreateModelVersionCommand(Model, $"runs:/{run.Info.RunId}/model", run.Info.RunId, null, null, null, null), new Actor("test"));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Server is not null)
        {
            await Server.DisposeAsync();
        }

        Directory.Delete(Folder, recursive: true);
    }

    /// <summary>A client of the tracking server.</summary>
    public KeelClient CreateClient() => new(Server.Address, new KeelClientOptions { MaxRetryAttempts = 0 });

    /// <summary>Which version gave <paramref name="probability"/>: "1", "2", or null for neither.</summary>
    public string? VersionOf(double probability) =>
        Math.Abs(probability - V1Probability) < 1e-9 ? "1" : Math.Abs(probability - V2Probability) < 1e-9 ? "2" : null;

    private async Task<string> TrainAsync(string name, string trainer)
    {
        var source = Path.Combine(RepositoryRoot(), "examples", "breast-cancer", "pipeline.yaml");
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse($"name: {name}\n{Data}{trainer}\n", source),
            OutputDirectory = Path.Combine(Folder, name),
            ComputeImportance = false,
        });
        return result.PackageDirectory;
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Keel.slnx not found above " + AppContext.BaseDirectory);
    }
}
