using System.Buffers;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using Keel.Core.Predictions;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Serving;

namespace Keel.Serving.Benchmarks;

/// <summary>
/// What the serving hot path does per request after parsing, for one-row requests to real credit
/// models trained here: the scorer (<see cref="ServedModel.Predict(IReadOnlyList{IReadOnlyDictionary{string, JsonElement}}, bool, bool)"/>)
/// and the prediction log's serialisation (<c>PredictionLogSerializer.Serialize</c>, its rented
/// array returned as the writer does). Allocations per request are the figure to compare
/// (docs/benchmarks.md, "Serving: the multiclass probability vector"). Build with
/// <c>-p:DefineConstants=BEFORE_VECTOR</c> against a tree without the vector to measure the before.
/// </summary>
[MemoryDiagnoser]
public class ServingHotPathBenchmarks
{
    private readonly string _folder = Directory.CreateTempSubdirectory("keel-serving-bench-").FullName;
    private Served _binary = null!, _regression = null!, _multiclass = null!;

    [GlobalSetup]
    public void Setup()
    {
        var data = Path.Combine(RepositoryRoot(), "examples", "credit", "credit_data.csv");
        _binary = Load(data, "binary", "Status", "binary", "{name: FastTree, params: {number_of_trees: 20}}");
        _regression = Load(data, "regression", "Amount", "regression", "{name: FastTree, params: {number_of_trees: 20}}");
        _multiclass = Load(data, "multiclass", "Job", "multiclass", "{name: LightGbm, params: {number_of_iterations: 20}}");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        foreach (var served in (Served[])[_binary, _regression, _multiclass])
        {
            served.Model.Retire();
        }

        Directory.Delete(_folder, recursive: true);
    }

    [Benchmark(Baseline = true, Description = "binary: score + log one row")]
    public int Binary() => Request(_binary);

    [Benchmark(Description = "regression: score + log one row")]
    public int Regression() => Request(_regression);

    [Benchmark(Description = "multiclass: score + log one row")]
    public int Multiclass() => Request(_multiclass);

    private static int Request(Served served)
    {
        var predictions = served.Model.Predict(served.Rows, strictColumns: true).Predictions;
#if BEFORE_VECTOR
        var buffer = PredictionLogSerializer.Serialize(served.Rows, predictions, served.Columns, PredictionInputsMode.Full, out _, out var length);
#else
        var buffer = PredictionLogSerializer.Serialize(served.Rows, predictions, served.Columns, PredictionInputsMode.Full, out _, out var length, PredictionLogSerializer.Classes(served.Model));
#endif
        ArrayPool<byte>.Shared.Return(buffer);
        return length;
    }

    private Served Load(string data, string name, string target, string task, string trainer)
    {
        var folder = Path.Combine(_folder, name);
        Directory.CreateDirectory(folder);
        var lines = File.ReadAllLines(data);
        var targetIndex = Array.IndexOf(lines[0].Split(','), target);
        File.WriteAllLines(Path.Combine(folder, "train.csv"), lines.Where((l, i) => i == 0 || l.Split(',')[targetIndex].Length > 0));
        var result = new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse($$"""
                name: {{name}}
                data: {path: train.csv, target: {{target}}, task: {{task}}}
                split: {train: 0.8, validation: 0.1, test: 0.1, seed: 3}
                trainer: {{trainer}}
                importance: false
                monitoring: {reference_rows: 0}
                """, Path.Combine(folder, "pipeline.yaml")),
            OutputDirectory = Path.Combine(folder, "run"),
        }).GetAwaiter().GetResult();
        var model = ServedModel.LoadAsync(name, result.PackageDirectory).GetAwaiter().GetResult();
        var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(result.PackageDirectory, "input_example.json"))).RootElement;
        var columns = example.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var values = example.GetProperty("data")[0].EnumerateArray().ToArray();
        IReadOnlyDictionary<string, JsonElement> row = columns.Select((c, i) => (c, v: values[i].Clone())).ToDictionary(x => x.c, x => x.v, StringComparer.Ordinal);
        return new Served(model, [row], PredictionLogSerializer.Columns(model));
    }

    private static string RepositoryRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Keel.slnx")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException("Run from inside the repository.");
    }

    private sealed record Served(ServedModel Model, IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> Rows, string[] Columns);
}
