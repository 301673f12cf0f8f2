using System.Globalization;
using System.Text.Json;
using Keel.Core.Artifacts;
using Keel.Core.Tracking;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Tests.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Deployments.EndToEnd;

/// <summary>
/// A server with the deployment controller, routing and the real analysis on, and five breast-cancer
/// models registered as versions of <see cref="Model"/>: 1 the stable logistic regression, 2 a good
/// candidate (the same trainer on another split), 3 a candidate trained on inverted labels (its
/// answers are inverted), 4 a slow candidate (a FastTree of 3,000 trees), 5 a candidate that errors on some inputs (it was
/// trained with an extra input column, <c>area_ratio</c>, that old clients do not send).
/// </summary>
public sealed class RolloutFixture : IAsyncLifetime
{
    public const string Model = "rollout-bc";

    private readonly KeelApiFactory _server = new();

    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-rollout-tests-").FullName;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The data set's rows without target and diagnosis, each as a <c>dataframe_records</c> body.</summary>
    public IReadOnlyList<string> Bodies { get; private set; } = [];

    /// <summary>
    /// The same rows with the extra column <c>area_ratio</c> on two requests in three (new clients)
    /// and without it on every third (old clients): version 5 refuses those, version 1 answers all.
    /// </summary>
    public IReadOnlyList<string> MixedBodies { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var root = RepositoryRoot();
        var csv = Path.Combine(root, "examples", "breast-cancer", "breast_cancer_wdbc.csv");
        var lines = await File.ReadAllLinesAsync(csv);
        var header = lines[0].Split(',');
        var target = Array.IndexOf(header, "target");
        Bodies = lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split(',');
            var row = new Dictionary<string, double>();
            for (var i = 0; i < header.Length; i++)
            {
                if (header[i] is not ("target" or "diagnosis"))
                {
                    row[header[i]] = double.Parse(cells[i], CultureInfo.InvariantCulture);
                }
            }

            return JsonSerializer.Serialize(new { dataframe_records = new[] { row } });
        }).ToList();

        // The inverted candidate learns from the same rows with every label flipped.
        var inverted = Path.Combine(Folder, "inverted.csv");
        await File.WriteAllLinesAsync(inverted, lines.Take(1).Concat(lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split(',');
            cells[target] = cells[target] == "1" ? "0" : "1";
            return string.Join(',', cells);
        })));

        // The candidate that errors on some inputs needs a column the stable version never had:
        // area_ratio (worst area over mean area). Old clients do not send it, and the candidate
        // refuses their requests (missing input) while the stable version answers them.
        var ratioCsv = Path.Combine(Folder, "area-ratio.csv");
        var meanArea = Array.IndexOf(header, "mean_area");
        var worstArea = Array.IndexOf(header, "worst_area");
        await File.WriteAllLinesAsync(ratioCsv, lines.Take(1).Select(h => h + ",area_ratio").Concat(lines.Skip(1).Where(l => l.Length > 0).Select(l =>
        {
            var cells = l.Split(',');
            return l + "," + AreaRatio(cells, meanArea, worstArea).ToString(CultureInfo.InvariantCulture);
        })));
        MixedBodies = lines.Skip(1).Where(l => l.Length > 0).Select((l, n) =>
        {
            var cells = l.Split(',');
            var row = new Dictionary<string, double>();
            for (var i = 0; i < header.Length; i++)
            {
                if (header[i] is not ("target" or "diagnosis"))
                {
                    row[header[i]] = double.Parse(cells[i], CultureInfo.InvariantCulture);
                }
            }

            if (n % 3 != 0)
            {
                row["area_ratio"] = AreaRatio(cells, meanArea, worstArea);
            }

            return JsonSerializer.Serialize(new { dataframe_records = new[] { row } });
        }).ToList();

        var packages = new[]
        {
            await TrainAsync("stable", csv, 7, "trainer: {name: LbfgsLogisticRegression}"),
            await TrainAsync("good", csv, 8, "trainer: {name: LbfgsLogisticRegression}"),
            await TrainAsync("inverted", inverted, 7, "trainer: {name: LbfgsLogisticRegression}"),
            await TrainAsync("slow", csv, 7, "trainer: {name: FastTree, params: {number_of_trees: 3000, number_of_leaves: 64, minimum_example_count_per_leaf: 1}}"),
            await TrainAsync("needs-column", ratioCsv, 7, "trainer: {name: LbfgsLogisticRegression}"),
        };

        _server.Settings["Keel:Deployments:Controller:Enabled"] = "true";
        _server.Settings["Keel:Deployments:Controller:Tick"] = "00:00:00.100";
        _server.Settings["Keel:Deployments:Controller:LeaseDuration"] = "00:00:02";
        Factory = _server;
        Client = Factory.CreateClient();
        Assert.Equal(200, (await Client.ApiPostAsync("registered-models/create", new { name = Model })).Status);
        foreach (var package in packages)
        {
            await RegisterAsync(package);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Client?.Dispose();
        await _server.DisposeAsync();
        Directory.Delete(Folder, recursive: true);
    }

    private async Task<string> TrainAsync(string name, string data, int seed, string trainer)
    {
        var yaml = $"name: {name}\ndata: {{path: {data}, target: target, task: binary, drop: [diagnosis]}}\nsplit: {{train: 0.8, validation: 0.1, test: 0.1, seed: {seed}}}\n{trainer}\n";
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(yaml, Path.Combine(Folder, name + ".yaml")),
            OutputDirectory = Path.Combine(Folder, name),
            ComputeImportance = false,
        });
        return result.PackageDirectory;
    }

    private async Task RegisterAsync(string package)
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
    }

    private static double AreaRatio(string[] cells, int meanArea, int worstArea) =>
        Math.Round(double.Parse(cells[worstArea], CultureInfo.InvariantCulture) / double.Parse(cells[meanArea], CultureInfo.InvariantCulture), 4);

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
