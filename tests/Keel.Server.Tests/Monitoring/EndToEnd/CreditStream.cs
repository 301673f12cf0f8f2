using System.Text.Json;
using Keel.Data;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Tests.Serving;

namespace Keel.Server.Tests.Monitoring.EndToEnd;

/// <summary>The end-to-end monitoring tests share one trained credit model and its held-out stream.</summary>
[CollectionDefinition(Name)]
public sealed class CreditStreamCollection : ICollectionFixture<CreditStream>
{
    public const string Name = "monitoring end to end (credit stream)";
}

/// <summary>
/// A real credit model trained once on three rows in five of the shipped credit data (FastTree, a
/// 1,000-row reference sample in its package), and the other two rows in five as live traffic,
/// shuffled (the file's own order is not stationary), with their true labels and the model's real
/// predictions for them.
/// </summary>
public sealed class CreditStream : IAsyncLifetime
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-monitoring-e2e-").FullName;
    private ModelScorer? _scorer;

    /// <summary>The trained package's folder.</summary>
    public string PackageDirectory { get; private set; } = "";

    /// <summary>The model's input columns, in signature order.</summary>
    public IReadOnlyList<string> Inputs { get; private set; } = [];

    /// <summary>The held-out rows, as a client would send them.</summary>
    public IReadOnlyList<Dictionary<string, JsonElement>> Rows { get; private set; } = [];

    /// <summary>The true label (Status) of each held-out row.</summary>
    public IReadOnlyList<string> Labels { get; private set; } = [];

    /// <summary>The model's prediction for each held-out row, unchanged.</summary>
    public IReadOnlyList<ModelPrediction> Predictions { get; private set; } = [];

    public async ValueTask InitializeAsync()
    {
        var ct = TestContext.Current.CancellationToken;
        var lines = await File.ReadAllLinesAsync(Path.Combine(ServingFixture.RepositoryRoot(), "examples", "credit", "credit_data.csv"), ct);
        var rows = lines.Skip(1).ToArray();
        await File.WriteAllLinesAsync(Path.Combine(_folder, "train.csv"), lines.Take(1).Concat(rows.Where((_, i) => i % 5 >= 2)), ct);
        var traffic = rows.Where((_, i) => i % 5 < 2).ToArray();
        new Random(11).Shuffle(traffic);
        var streamFile = Path.Combine(_folder, "stream.csv");
        await File.WriteAllLinesAsync(streamFile, lines.Take(1).Concat(traffic), ct);

        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse("""
                name: credit-monitored
                data: {path: train.csv, target: Status, task: binary}
                split: {train: 0.8, validation: 0.1, test: 0.1, seed: 3}
                trainer: {name: FastTree, params: {number_of_trees: 20}}
                importance: false
                monitoring: {reference_rows: 1000}
                """, Path.Combine(_folder, "pipeline.yaml")),
            OutputDirectory = Path.Combine(_folder, "run"),
        }, ct);
        PackageDirectory = result.PackageDirectory;
        Inputs = result.Metadata.Signature.Inputs.Select(c => c.Name).ToArray();

        var stream = await TableReader.ReadAsync(streamFile, new TableReadOptions { KeepText = true }, cancellationToken: ct);
        var list = new List<Dictionary<string, JsonElement>>(stream.RowCount);
        for (var r = 0; r < stream.RowCount; r++)
        {
            var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var name in Inputs)
            {
                var column = stream[name]!;
                row[name] = column.Numbers is { } numbers
                    ? JsonSerializer.SerializeToElement(double.IsNaN(numbers[r]) ? (double?)null : numbers[r])
                    : JsonSerializer.SerializeToElement(column.Texts![r]);
            }

            list.Add(row);
        }

        Rows = list;
        Labels = [.. stream["Status"]!.Texts!];
        _scorer = await ModelScorer.LoadAsync(PackageDirectory, ct);
        Predictions = Score(list);
    }

    /// <summary>The model's real predictions for <paramref name="rows"/>.</summary>
    public IReadOnlyList<ModelPrediction> Score(IReadOnlyList<Dictionary<string, JsonElement>> rows) =>
        _scorer!.Score(rows.Select(r => (IReadOnlyDictionary<string, JsonElement>)r).ToArray());

    /// <summary>Row <paramref name="index"/> with <paramref name="columns"/> multiplied by <paramref name="factor"/>.</summary>
    public Dictionary<string, JsonElement> Scaled(int index, double factor, params string[] columns)
    {
        var row = new Dictionary<string, JsonElement>(Rows[index], StringComparer.Ordinal);
        foreach (var name in columns)
        {
            if (row[name].ValueKind == JsonValueKind.Number)
            {
                row[name] = JsonSerializer.SerializeToElement(row[name].GetDouble() * factor);
            }
        }

        return row;
    }

    public ValueTask DisposeAsync()
    {
        _scorer?.Dispose();
        Directory.Delete(_folder, recursive: true);
        return ValueTask.CompletedTask;
    }
}
