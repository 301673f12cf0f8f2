using System.Globalization;
using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.ML.Data;
using Keel.ML.Evaluation;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.ML.Training;
using Microsoft.ML.Data;

namespace Keel.ML.Tests.Running;

/// <summary>Real training with the modeller's options: target transforms, class weights, a test file (date parts, derived columns, metrics and folds in the .Features part).</summary>
public sealed partial class TrainingRunnerModellingTests : IDisposable
{
    private readonly List<string> _directories = [];

    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private string NewDirectory()
    {
        var path = TestData.NewTempDirectory();
        _directories.Add(path);
        return path;
    }

    private Task<TrainingResult> RunAsync(string yaml, string? pipelinePath = null) =>
        new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(yaml, pipelinePath ?? TestData.PipelinePath),
            OutputDirectory = NewDirectory(),
            RunId = "0123456789abcdef0123456789abcdef",
        });

    private static double[] Column(string file, string name)
    {
        var lines = File.ReadAllLines(TestData.PathOf(file));
        var index = Array.IndexOf(lines[0].Split(','), name);
        return lines.Skip(1).Select(l => double.Parse(l.Split(',')[index], CultureInfo.InvariantCulture)).ToArray();
    }

    [Theory]
    [InlineData("log")]
    [InlineData("log1p")]
    public async Task TargetTransform_MetricsAndServedPredictions_AreInTheTargetsOwnUnits(string transform)
    {
        var yaml = $$"""
            name: chicago-{{transform}}
            data: {path: chicago_ridership_500.csv, target: ridership, task: regression, target_transform: {{transform}}}
            split: {train: 0.7, validation: 0.15, test: 0.15, time_column: date}
            trainer:
              name: LightGbm
              params: {number_of_iterations: 50}
            importance: false
            """;

        var result = await RunAsync(yaml);

        // The truth is the file's ridership (thousands of riders, 0.6 to 26), not its logarithm.
        var ridership = Column("chicago_ridership_500.csv", "ridership");
        var truth = result.TestPredictions.TruthValue;
        Assert.All(truth, y => Assert.Contains(ridership, r => Math.Abs(r - y) < 1e-4));
        var predicted = result.TestPredictions.PredictedValue;
        Assert.InRange(predicted.Average(), 0.5 * truth.Average(), 1.5 * truth.Average());

        // Metrics are those of the original units: recomputed by hand from truth and predictions.
        var mae = truth.Zip(predicted, (y, p) => Math.Abs(y - p)).Average();
        Assert.Equal(mae, result.Metrics["test"][MetricNames.MeanAbsoluteError], 1e-9);
        Assert.True(result.Metrics["test"][MetricNames.R2] > 0.3);
        Assert.Equal(transform, result.Metadata.Hyperparameters["target_transform"].ToString());

        // The package's scorer maps back too: served answers equal the evaluated predictions.
        var scorer = await ModelScorer.LoadAsync(result.PackageDirectory);
        var served = scorer.Score(ExampleRows(result.PackageDirectory));
        for (var i = 0; i < served.Count; i++)
        {
            Assert.Equal(predicted[i], served[i].Value!.Value, 1e-4);
        }
    }

    [Fact]
    public async Task TargetTransform_LogOfANonPositiveTarget_IsRefusedBeforeTraining()
    {
        const string yaml = """
            name: flights
            data: {path: flights_2000.csv, target: delay, task: regression, target_transform: log}
            trainer: {name: FastTree}
            """;

        var error = await Assert.ThrowsAsync<KeelException>(() => RunAsync(yaml));

        Assert.Contains("data.target_transform: log needs every 'delay' value above 0;", error.Message);
    }

    [Fact]
    public async Task ClassWeights_Balanced_PredictTheRareClassMoreOften()
    {
        const string plain = """
            name: credit
            data: {path: credit_data_600.csv, target: Status, task: binary, positive_class: bad}
            split: {train: 0.6, validation: 0.2, test: 0.2, seed: 11}
            trainer: {name: LbfgsLogisticRegression}
            importance: false
            """;
        var weighted = plain.Replace("trainer: {name: LbfgsLogisticRegression}", "trainer: {name: LbfgsLogisticRegression, class_weights: balanced}", StringComparison.Ordinal);

        var without = await RunAsync(plain);
        var with = await RunAsync(weighted);

        // "bad" is about a quarter of the rows: weighing it up trades precision for recall.
        Assert.True(with.TestPredictions.PredictedClass.Sum() > without.TestPredictions.PredictedClass.Sum());
        Assert.True(with.Metrics["test"][MetricNames.Recall] > without.Metrics["test"][MetricNames.Recall]);
        Assert.Equal("balanced", with.Metadata.Hyperparameters["class_weights"].ToString());
    }

    [Fact]
    public void ClassWeights_Balanced_AreScikitLearnsNOverKTimesCount()
    {
        var table = DataLoader.Build(["y"], [["a", "a", "a", "b"]]);
        var label = new LabelEncoding(MLTask.Multiclass, ["a", "b", "c"]);

        var balanced = TrainingRunner.ResolveClassWeights(new ClassWeights(true, new Dictionary<string, double>()), label, table, "y")!;
        var explicitWeights = TrainingRunner.ResolveClassWeights(new ClassWeights(false, new Dictionary<string, double> { ["b"] = 3 }), label, table, "y")!;

        // compute_class_weight('balanced', classes=[a, b], y): 4 / (2 * 3) and 4 / (2 * 1); c is absent.
        Assert.Equal([4 / 6.0, 2.0, 1.0], balanced);
        Assert.Equal([1.0, 3.0, 1.0], explicitWeights);
    }

    [Fact]
    public async Task TestFile_EveryRowOfItIsTheTestSplit_AndTheTrainingFileIsCutIntoTrainAndValidation()
    {
        var directory = NewDirectory();
        var lines = File.ReadAllLines(TestData.PathOf("credit_data_600.csv"));
        File.WriteAllLines(Path.Combine(directory, "train.csv"), lines.Take(501));
        File.WriteAllLines(Path.Combine(directory, "test.csv"), [lines[0], .. lines.Skip(501)]);
        const string yaml = """
            name: credit
            data: {path: train.csv, test_path: test.csv, target: Status, task: binary}
            split: {train: 0.8, validation: 0.2}
            trainer: {name: FastTree, params: {number_of_trees: 20}}
            importance: false
            """;

        var result = await RunAsync(yaml, Path.Combine(directory, "pipeline.yaml"));

        Assert.Equal(100, result.Splits.Test);
        Assert.Equal(500, result.Splits.Train + result.Splits.Validation);
        Assert.Equal(100, result.ConfusionMatrix!.Counts.Sum(r => r.Sum()));
        Assert.Equal(lines.Skip(501).Select(l => l.Split(',')[0]), result.TestData!["Status"].Texts);
        Assert.Empty(result.FeatureImportance);

        // Each file is counted and hashed on its own: the digest that names the training data is the training file's.
        Assert.Equal(500, result.Data.RowCount);
        Assert.Equal(await DataDigest.ComputeAsync(Path.Combine(directory, "train.csv")), result.Data.Digest);
        var test = Assert.IsType<TestFileInfo>(result.Data.TestFile);
        Assert.Equal(100, test.RowCount);
        Assert.Equal(Path.Combine(directory, "test.csv"), test.Path);
        Assert.Equal(await DataDigest.ComputeAsync(Path.Combine(directory, "test.csv")), test.Digest);
        Assert.NotEqual(result.Data.Digest, test.Digest);
    }

    [Fact]
    public async Task TestFile_WithoutATrainingColumn_IsRefused()
    {
        var directory = NewDirectory();
        var lines = File.ReadAllLines(TestData.PathOf("credit_data_600.csv"));
        File.WriteAllLines(Path.Combine(directory, "train.csv"), lines.Take(501));
        File.WriteAllLines(Path.Combine(directory, "test.csv"), [.. lines.Skip(501).Prepend(lines[0]).Select(l => l[(l.IndexOf(',', StringComparison.Ordinal) + 1)..])]);
        const string yaml = "name: c\ndata: {path: train.csv, test_path: test.csv, target: Status, task: binary}\ntrainer: {name: FastTree}\n";

        var error = await Assert.ThrowsAsync<KeelException>(() => RunAsync(yaml, Path.Combine(directory, "pipeline.yaml")));

        Assert.Contains("lacks column(s) of the training file: Status", error.Message);
    }

    private static List<IReadOnlyDictionary<string, JsonElement>> ExampleRows(string packageDirectory)
    {
        var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(packageDirectory, ModelPackage.InputExampleFileName))).RootElement;
        var columns = example.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        return example.GetProperty("data").EnumerateArray()
            .Select(r => (IReadOnlyDictionary<string, JsonElement>)columns.Zip(r.EnumerateArray()).ToDictionary(p => p.First, p => p.Second))
            .ToList();
    }
}
