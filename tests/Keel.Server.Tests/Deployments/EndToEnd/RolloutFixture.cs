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
/// A server with the deployment controller, routing and the real analysis on, and six models of one
/// data set (<see cref="RolloutDataSet"/>), trained once, registered as versions of <see cref="Model"/>:
/// 1 the stable version, 2 a good candidate (the same trainer on another split), 3 a candidate trained
/// on inverted targets (a classifier's labels flipped, a regressor's target negated: its answers are
/// inverted), 4 a slow candidate (<see cref="RolloutDataSet.SlowTrainer"/>), 5 a candidate that errors
/// on some inputs (trained with an extra input column that old clients do not send), 6 a degraded
/// candidate trained on shuffled targets (it learnt nothing, so only the model metric from feedback
/// tells it apart). Every version keeps a reference sample of up to 1,000 training rows (the input_drift gate).
/// </summary>
public abstract class RolloutFixture(RolloutDataSet data) : IAsyncLifetime
{
    private readonly KeelApiFactory _server = new();

    public RolloutDataSet Data { get; } = data;

    public string Model => "rollout-" + Data.Name;

    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-rollout-tests-").FullName;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The data set's rows (seeded order) without target and dropped columns, each as a <c>dataframe_records</c> body.</summary>
    public IReadOnlyList<string> Bodies { get; private set; } = [];

    /// <summary>
    /// The same rows with the extra column on two requests in three (new clients) and without it on
    /// every third (old clients): version 5 refuses those, version 1 answers all.
    /// </summary>
    public IReadOnlyList<string> MixedBodies { get; private set; } = [];

    /// <summary>The true target of each body (a JSON number or string, as the file spells it), the label feedback sends.</summary>
    public IReadOnlyList<JsonElement> Truth { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var source = await File.ReadAllLinesAsync(Path.Combine(RepositoryRoot(), "examples", Data.Csv));
        var header = source[0].Split(',');
        var rows = source.Skip(1).Where(l => l.Length > 0).ToArray();
        new Random(17).Shuffle(rows); // traffic in a seeded order: the files' own order is not stationary
        if (Data.SampleRows is { } n)
        {
            rows = rows[..n];
        }

        var target = Array.IndexOf(header, Data.Target);
        var csv = await WriteAsync("data.csv", header, rows);

        // Inverted: a classifier learns from every label flipped, a regressor from the negated target.
        var classes = rows.Select(r => r.Split(',')[target]).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        var inverted = await WriteAsync("inverted.csv", header, rows.Select(r => WithCell(r, target, v => Data.IsRegression
            ? (-double.Parse(v, CultureInfo.InvariantCulture)).ToString(CultureInfo.InvariantCulture)
            : classes[0] == v ? classes[1] : classes[0])));

        // Shuffled: the targets permuted at random, so the inputs say nothing about them.
        var targets = rows.Select(r => r.Split(',')[target]).ToArray();
        new Random(5).Shuffle(targets);
        var shuffled = await WriteAsync("shuffled.csv", header, rows.Select((r, i) => WithCell(r, target, _ => targets[i])));

        // The erroring candidate needs a column the stable version never had; old clients do not send it.
        var extra = await WriteAsync("extra.csv", [.. header, Data.ExtraColumn], rows.Select(r => r + "," + ExtraValue(header, r).ToString(CultureInfo.InvariantCulture)));

        var inputs = header.Where(h => h != Data.Target && !Data.Drop.Contains(h)).ToArray();
        Bodies = rows.Select(r => Body(header, r, inputs, withExtra: false)).ToList();
        MixedBodies = rows.Select((r, i) => Body(header, r, inputs, withExtra: i % 3 != 0)).ToList();
        Truth = rows.Select(r => Json(r.Split(',')[target])).ToList();

        var packages = new[]
        {
            await TrainAsync("stable", csv, 7, Data.Trainer),
            await TrainAsync("good", csv, 8, Data.Trainer),
            await TrainAsync("inverted", inverted, 7, Data.Trainer),
            await TrainAsync("slow", csv, 7, Data.SlowTrainer),
            await TrainAsync("needs-column", extra, 7, Data.Trainer),
            await TrainAsync("shuffled", shuffled, 7, Data.Trainer),
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
        GC.SuppressFinalize(this);
    }

    private async Task<string> WriteAsync(string name, IEnumerable<string> header, IEnumerable<string> rows)
    {
        var path = Path.Combine(Folder, name);
        await File.WriteAllLinesAsync(path, new[] { string.Join(',', header) }.Concat(rows));
        return path;
    }

    private static string WithCell(string row, int index, Func<string, string> change)
    {
        var cells = row.Split(',');
        cells[index] = change(cells[index]);
        return string.Join(',', cells);
    }

    private double ExtraValue(string[] header, string row)
    {
        var cells = row.Split(',');
        return Data.Extra(name => cells[Array.IndexOf(header, name)]);
    }

    private string Body(string[] header, string row, string[] inputs, bool withExtra)
    {
        var cells = row.Split(',');
        var record = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var name in inputs)
        {
            var cell = cells[Array.IndexOf(header, name)];
            record[name] = cell.Length == 0 ? JsonSerializer.SerializeToElement<object?>(null) : Json(cell);
        }

        if (withExtra)
        {
            record[Data.ExtraColumn] = JsonSerializer.SerializeToElement(ExtraValue(header, row));
        }

        return JsonSerializer.Serialize(new { dataframe_records = new[] { record } });
    }

    /// <summary>A cell as a client sends it: a number when it reads as one, else text.</summary>
    private static JsonElement Json(string cell) =>
        double.TryParse(cell, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            ? JsonSerializer.SerializeToElement(number)
            : JsonSerializer.SerializeToElement(cell);

    private async Task<string> TrainAsync(string name, string data, int seed, string trainer)
    {
        var drop = Data.Drop.Length == 0 ? string.Empty : $", drop: [{string.Join(", ", Data.Drop)}]";
        var yaml = $"name: {name}\ndata: {{path: {data}, target: {Data.Target}, task: {Data.Task}{drop}}}\n"
            + $"split: {{train: 0.8, validation: 0.1, test: 0.1, seed: {seed}}}\n{trainer}\nimportance: false\nmonitoring: {{reference_rows: 1000}}\n";
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
        foreach (var file in Directory.GetFiles(package, "*", SearchOption.AllDirectories))
        {
            // Subfolders too: the reference sample is reference/inputs.csv (the input_drift gate reads it).
            await using var stream = File.OpenRead(file);
            await artifacts.WriteAsync($"{root}/model/{Path.GetRelativePath(package, file).Replace('\\', '/')}", stream);
        }

        var answer = await Client.ApiPostAsync("model-versions/create", new { name = Model, source = $"runs:/{runId}/model", run_id = runId });
        Assert.True(answer.Status == 200, answer.Body);
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

/// <summary>The breast-cancer models, trained once for the rollout tests of this data set.</summary>
public sealed class BreastCancerRolloutFixture() : RolloutFixture(RolloutDataSet.BreastCancer);

/// <summary>The credit models, trained once for the rollout tests of this data set.</summary>
public sealed class CreditRolloutFixture() : RolloutFixture(RolloutDataSet.Credit);

/// <summary>The flights models, trained once for the rollout tests of this data set.</summary>
public sealed class FlightsRolloutFixture() : RolloutFixture(RolloutDataSet.Flights);

/// <summary>The breast-cancer rollout tests share one server and one set of models.</summary>
[CollectionDefinition(Name)]
public sealed class BreastCancerRolloutCollection : ICollectionFixture<BreastCancerRolloutFixture>
{
    public const string Name = "rollouts end to end (breast cancer)";
}

/// <summary>The credit rollout tests share one server and one set of models.</summary>
[CollectionDefinition(Name)]
public sealed class CreditRolloutCollection : ICollectionFixture<CreditRolloutFixture>
{
    public const string Name = "rollouts end to end (credit)";
}

/// <summary>The flights rollout tests share one server and one set of models.</summary>
[CollectionDefinition(Name)]
public sealed class FlightsRolloutCollection : ICollectionFixture<FlightsRolloutFixture>
{
    public const string Name = "rollouts end to end (flights)";
}
