using System.Text.Json;
using Keel.Client;
using Keel.Core.Models;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;

namespace Keel.Cli.Tests.Replicas;

/// <summary>
/// Two small breast-cancer model packages trained once for the replica tests: version 1 a FastTree,
/// version 2 a logistic regression that answers the example row differently, so an answer tells
/// which version gave it.
/// </summary>
public sealed class ReplicaModels : IAsyncLifetime
{
    private const string Data = "data: {path: breast_cancer_wdbc.csv, target: target, task: binary, drop: [diagnosis]}\nsplit: {train: 0.8, validation: 0.1, test: 0.1, seed: 7}\n";

    private readonly string _folder = Directory.CreateTempSubdirectory("keel-replica-models-").FullName;

    /// <summary>The two package folders, version 1 then version 2.</summary>
    public IReadOnlyList<string> Packages { get; private set; } = [];

    /// <summary>One example row as an MLflow <c>dataframe_records</c> body.</summary>
    public string Body { get; private set; } = string.Empty;

    /// <summary>P(positive class) that each package gives for <see cref="Body"/>.</summary>
    public IReadOnlyList<double> Probabilities { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        if (ReplicaBalancer.Unavailable is not null)
        {
            return;
        }

        var v1 = await TrainAsync("v1", "trainer: {name: FastTree, params: {number_of_trees: 5, number_of_leaves: 4}}");
        var v2 = await TrainAsync("v2", "trainer: {name: LbfgsLogisticRegression}");
        var contents = await ModelPackage.ReadAsync(v1);
        var columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        IReadOnlyDictionary<string, JsonElement> row = columns.Zip(contents.InputExample.GetProperty("data")[0].EnumerateArray()).ToDictionary(p => p.First, p => p.Second);
        Body = JsonSerializer.Serialize(new { dataframe_records = new[] { row } });
        using var s1 = await ModelScorer.LoadAsync(v1);
        using var s2 = await ModelScorer.LoadAsync(v2);
        Probabilities = [s1.Score([row])[0].Probability!.Value, s2.Score([row])[0].Probability!.Value];
        Assert.NotEqual(Probabilities[0], Probabilities[1]);
        Packages = [v1, v2];
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>Which version ("1" or "2") gave <paramref name="probability"/>, or null for neither.</summary>
    public string? VersionOf(double probability) =>
        Math.Abs(probability - Probabilities[0]) < 1e-9 ? "1" : Math.Abs(probability - Probabilities[1]) < 1e-9 ? "2" : null;

    /// <summary>Registers <paramref name="model"/> with both packages as versions 1 and 2 (each uploaded to a run of its own).</summary>
    public async Task RegisterAsync(KeelClient client, string model)
    {
        await client.CreateRegisteredModelAsync(model, null, null, new Actor("test"));
        var experiment = await client.CreateExperimentAsync(model + "-training");
        foreach (var package in Packages)
        {
            var run = await client.CreateRunAsync(new CreateRunCommand(experiment, "test", null, null, null));
            await client.UploadRunArtifactsAsync(run.Info.RunId, package, "model");
            await client.CreateModelVersionAsync(new CreateModelVersionCommand(model, $"runs:/{run.Info.RunId}/model", run.Info.RunId, null, null, null, null), new Actor("test"));
        }
    }

    private async Task<string> TrainAsync(string name, string trainer)
    {
        var source = Path.Combine(ReplicaBalancer.RepositoryRoot(), "examples", "breast-cancer", "pipeline.yaml");
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse($"name: {name}\n{Data}{trainer}\n", source),
            OutputDirectory = Path.Combine(_folder, name),
            ComputeImportance = false,
        });
        return result.PackageDirectory;
    }
}
