using System.Text.Json;
using Keel.Core.Data;
using Keel.Core.Errors;
using Keel.Core.Models;
using Keel.ML.Data;
using Keel.ML.Evaluation;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.ML.Validation;

namespace Keel.ML.Tests.Running;

public sealed class TrainingRunnerTests : IDisposable
{
    private readonly List<string> _directories = [];

    private const string Credit = """
        name: credit
        data:
          path: credit_data_600.csv
          target: Status
          task: binary
        split: {train: 0.6, validation: 0.2, test: 0.2, seed: 11}
        trainer:
          name: FastTree
          params: {number_of_trees: 20}
        sweep:
          method: grid
          metric: roc_auc
          params:
            number_of_leaves: [4, 8]
        thresholds:
          roc_auc: 0.6
          log_loss: {max: 5}
        registration: {model_name: credit-model, alias: challenger}
        """;

    private static readonly DateTimeOffset Now = new(2026, 11, 26, 12, 0, 0, TimeSpan.Zero);

    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private Task<TrainingResult> RunAsync(string yaml)
    {
        var output = TestData.NewTempDirectory();
        _directories.Add(output);
        return new TrainingRunner(new FixedTime(Now)).RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(yaml, TestData.PipelinePath),
            OutputDirectory = output,
            RunId = "0123456789abcdef0123456789abcdef",
        });
    }

    [Fact]
    public async Task Run_CreditWithSweep_ReturnsACompleteResult()
    {
        var result = await RunAsync(Credit);

        Assert.Equal(["good", "bad"], result.Classes);
        Assert.Equal(600, result.Data.RowCount);
        Assert.StartsWith("sha256:", result.Data.Digest);
        Assert.Equal(600, result.Splits.Train + result.Splits.Validation + result.Splits.Test);
        Assert.Equal((360, 120, 120, "stratified"), (result.Splits.Train, result.Splits.Validation, result.Splits.Test, result.Splits.Method));
        Assert.Equal(2, result.SweepTrials.Count);
        Assert.NotNull(result.BestTrial);
        Assert.Equal(result.SweepTrials[result.BestTrial!.Value].Parameters, result.Hyperparameters);
        Assert.Equal(["test", "train", "validation"], result.Metrics.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(MetricNames.For(MLTask.Binary).Order(StringComparer.Ordinal), result.Metrics["test"].Keys.Order(StringComparer.Ordinal));
        Assert.Equal(120, result.ConfusionMatrix!.Counts.Sum(r => r.Sum()));
        Assert.Equal(13, result.FeatureImportance.Count);
        Assert.Equal("roc_curve.png", result.PlotFileName);
        Assert.Equal([0x89, (byte)'P', (byte)'N', (byte)'G'], result.Plot![..4]);
        Assert.True(File.Exists(Path.Combine(result.OutputDirectory, "roc_curve.png")));

        var metadata = result.Metadata;
        Assert.Equal("credit-model", metadata.Name);
        Assert.Equal("FastTree", metadata.Algorithm);
        Assert.Equal("ML.NET 5.0.1", metadata.Framework);
        Assert.Equal(Now, metadata.CreatedAt);
        Assert.Equal(result.Data.Digest, metadata.TrainingDataHash);
        Assert.Equal(14, metadata.DataSchema.Count);
        Assert.Equal(13, metadata.Signature.Inputs.Count);
        Assert.Equal(ColumnType.Double, metadata.Signature.Inputs.Single(c => c.Name == "Income").Type);
        Assert.Equal(0.6, metadata.PerformanceThresholds["roc_auc"]);
        Assert.Equal(11.0, metadata.Hyperparameters["seed"].AsNumber);
        Assert.Contains("Microsoft.ML.FastTree 5.0.1", metadata.Dependencies);
        Assert.Equal(result.Metrics["validation"][MetricNames.RocAuc], metadata.ValidationMetrics[MetricNames.RocAuc]);
    }

    [Fact]
    public async Task Run_SameFileSameSeed_GivesIdenticalMetricsAndPredictions()
    {
        var first = await RunAsync(Credit);
        var second = await RunAsync(Credit);

        foreach (var split in first.Metrics.Keys)
        {
            Assert.Equal(first.Metrics[split], second.Metrics[split]);
        }

        Assert.Equal(first.TestPredictions.PredictedClass, second.TestPredictions.PredictedClass);
        Assert.Equal(first.TestPredictions.Probabilities.SelectMany(p => p), second.TestPredictions.Probabilities.SelectMany(p => p));
        Assert.Equal(first.FeatureImportance, second.FeatureImportance);
    }

    [Fact]
    public async Task Run_ChicagoByDate_TrainsOnThePast()
    {
        const string yaml = """
            name: chicago
            data: {path: chicago_ridership_500.csv, target: ridership, task: regression}
            split: {train: 0.7, validation: 0.15, test: 0.15, time_column: date}
            trainer: {name: LightGbm, params: {number_of_iterations: 50}}
            """;

        var result = await RunAsync(yaml);

        Assert.Equal((350, 75, 75, "time:date"), (result.Splits.Train, result.Splits.Validation, result.Splits.Test, result.Splits.Method));
        Assert.Equal(ColumnType.DateTime, result.Metadata.Signature.Inputs.Single(c => c.Name == "date").Type);
        Assert.Equal("residuals.png", result.PlotFileName);
        Assert.Null(result.ConfusionMatrix);
        Assert.True(result.Metrics["test"][MetricNames.R2] > 0.3);

        // Served rows (with the date as ISO text) are featurised exactly as training rows.
        var scorer = await ModelScorer.LoadAsync(result.PackageDirectory);
        var predictions = scorer.Score(ExampleRows(result.PackageDirectory));
        for (var i = 0; i < predictions.Count; i++)
        {
            Assert.Equal(result.TestPredictions.PredictedValue[i], predictions[i].Value!.Value, 1e-5);
        }
    }

    [Fact]
    public async Task Run_Multiclass_ConfusionMatrixIsSquare_AndTheScorerNamesClasses()
    {
        const string yaml = """
            name: home
            data: {path: credit_data_600.csv, target: Home, task: multiclass}
            split: {train: 0.7, validation: 0.1, test: 0.2}
            trainer: {name: LightGbm, params: {number_of_iterations: 30}}
            """;

        var result = await RunAsync(yaml);

        var k = result.Classes.Count;
        Assert.True(k >= 3);
        Assert.All(result.ConfusionMatrix!.Counts, row => Assert.Equal(k, row.Length));
        Assert.Equal(result.Splits.Test, result.ConfusionMatrix.Counts.Sum(r => r.Sum()));
        Assert.Null(result.Plot);
        var scorer = await ModelScorer.LoadAsync(result.PackageDirectory);
        var predictions = scorer.Score(ExampleRows(result.PackageDirectory));
        for (var i = 0; i < predictions.Count; i++)
        {
            Assert.Equal(result.Classes[result.TestPredictions.PredictedClass[i]], predictions[i].Label);
        }
    }

    [Fact]
    public async Task Run_FlightsDerivedLabel_IsBinary()
    {
        const string yaml = """
            name: flights
            data:
              path: flights_2000.csv
              target: late
              task: binary
              label: {column: delay, greater_than: 15}
            split: {train: 0.7, validation: 0.1, test: 0.2, time_column: date}
            trainer: {name: LbfgsLogisticRegression}
            """;

        var result = await RunAsync(yaml);

        Assert.Equal(["false", "true"], result.Classes);
        Assert.DoesNotContain(result.Features, f => f.Name == "delay");
        Assert.Contains(result.Features, f => f.Name == "origin" && f.Kind == ColumnKind.Categorical);
    }

    [Fact]
    public async Task Run_DerivedLabel_PackageKeepsTheRuleAndTheTrainingProfile_AndEvaluatesNewData()
    {
        const string yaml = """
            name: flights
            data:
              path: flights_2000.csv
              target: late
              task: binary
              label: {column: delay, greater_than: 15}
            split: {train: 0.7, validation: 0.1, test: 0.2, time_column: date}
            trainer: {name: FastTree, params: {number_of_trees: 10}}
            """;

        var result = await RunAsync(yaml);

        var task = await TaskDescriptor.ReadAsync(result.PackageDirectory, TestContext.Current.CancellationToken);
        Assert.Equal(new LabelRule("delay", 15), task.Rule);
        var profile = await TrainingProfile.ReadAsync(result.PackageDirectory, TestContext.Current.CancellationToken);
        Assert.NotNull(profile);
        Assert.Equal(result.Splits.Train, profile.RowCount);
        Assert.Equal(result.Features.Select(f => f.Name), profile.Columns.Select(c => c.Name));
        Assert.NotNull(profile.Find("origin")!.Categories);

        var data = await DataLoader.LoadAsync(TestData.PathOf("flights_2000.csv"), cancellationToken: TestContext.Current.CancellationToken);
        var evaluation = await PackageEvaluator.EvaluateAsync(result.PackageDirectory, data, TestContext.Current.CancellationToken);
        Assert.Equal(data.RowCount - data["delay"].MissingCount, evaluation.Rows);
        Assert.Equal(data["delay"].MissingCount, evaluation.SkippedRows);
        Assert.InRange(evaluation.Metrics["roc_auc"], 0.5, 1.0);

        var noTruth = new TabularData(data.Columns.Where(c => c.Name != "delay").ToList());
        var error = await Assert.ThrowsAsync<KeelException>(() => PackageEvaluator.EvaluateAsync(result.PackageDirectory, noTruth, TestContext.Current.CancellationToken));
        Assert.Contains("lacks column(s) the evaluation needs: delay", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Run_RandomSweep_EachTrialInRangeAndTheBestChosenByTheMetric()
    {
        const string yaml = """
            name: cancer
            data: {path: breast_cancer_wdbc.csv, target: target, task: binary, drop: [diagnosis]}
            trainer: {name: LbfgsLogisticRegression}
            sweep:
              method: random
              trials: 3
              metric: log_loss
              params:
                l2_regularization: {min: 0.001, max: 10, log: true}
            """;

        var result = await RunAsync(yaml);

        Assert.Equal(3, result.SweepTrials.Count);
        Assert.All(result.SweepTrials, t => Assert.InRange(t.Parameters["l2_regularization"], 0.001, 10));
        var best = result.SweepTrials.MinBy(t => t.ValidationMetrics[MetricNames.LogLoss])!;
        Assert.Equal(best.Index, result.BestTrial);
        Assert.Equal(best.ValidationMetrics, result.Metrics["validation"]);
    }

    [Fact]
    public async Task Run_OnnxTrue_WritesModelOnnxIntoThePackage()
    {
        const string yaml = """
            name: cancer
            data: {path: breast_cancer_wdbc.csv, target: target, task: binary, drop: [diagnosis]}
            trainer: {name: FastTree, params: {number_of_trees: 10}}
            onnx: true
            """;

        var result = await RunAsync(yaml);

        Assert.Equal(Path.Combine(result.PackageDirectory, "model.onnx"), result.OnnxPath);
        Assert.True(new FileInfo(result.OnnxPath!).Length > 1000);
        // The package itself still reads back.
        Assert.NotNull(await ModelScorer.LoadAsync(result.PackageDirectory));
    }

    [Fact]
    public async Task Run_OnnxTrue_OnnxRuntimeGivesTheSameProbabilitiesAsMLNet()
    {
        const string yaml = """
            name: cancer
            data: {path: breast_cancer_wdbc.csv, target: target, task: binary, drop: [diagnosis]}
            trainer: {name: FastTree, params: {number_of_trees: 20, number_of_leaves: 8}}
            onnx: true
            """;

        var result = await RunAsync(yaml);

        var contents = await ModelPackage.ReadAsync(result.PackageDirectory, TestContext.Current.CancellationToken);
        var columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var rows = contents.InputExample.GetProperty("data").EnumerateArray().Select(r => r.EnumerateArray().ToArray()).ToArray();
        var records = JsonSerializer.SerializeToElement(rows.Select(r => columns.Zip(r).ToDictionary(p => p.First, p => p.Second)));
        var expected = (await ModelScorer.LoadAsync(result.PackageDirectory)).Score(records);

        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(result.OnnxPath!);
        var probabilityOutput = session.OutputMetadata.Keys.Single(k => k.StartsWith("Probability", StringComparison.Ordinal));
        for (var r = 0; r < rows.Length; r++)
        {
            var inputs = session.InputMetadata.Keys.Select(name =>
            {
                var value = (float)rows[r][Array.IndexOf(columns, name)].GetDouble();
                return Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor(name, new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(new[] { value }, [1, 1]));
            }).ToList();
            using var outputs = session.Run(inputs);
            var probability = outputs.Single(o => o.Name == probabilityOutput).AsEnumerable<float>().Single();
            Assert.Equal(expected[r].Probability!.Value, probability, 1e-5);
        }
    }

    [Fact]
    public async Task Run_ColumnsMissingFromTheData_AreAllReported()
    {
        const string yaml = """
            name: bad
            data: {path: credit_data_600.csv, target: status, task: binary, drop: [Nope], types: {Ghost: numeric}}
            split: {time_column: Age, stratified: false}
            trainer: {name: FastTree}
            """;

        var error = await Assert.ThrowsAsync<KeelException>(() => RunAsync(yaml));

        Assert.Contains("data.target: column 'status' is not in the data", error.Message);
        Assert.Contains("data.drop: column 'Nope'", error.Message);
        Assert.Contains("data.types: column 'Ghost'", error.Message);
        Assert.Contains("split.time_column: 'Age' holds numeric values", error.Message);
    }

    [Fact]
    public async Task Package_RoundTrip_ScorerReproducesTestPredictions_AndChecksInputs()
    {
        var result = await RunAsync(Credit);
        var scorer = await ModelScorer.LoadAsync(result.PackageDirectory);
        var predictions = scorer.Score(ExampleRows(result.PackageDirectory));

        Assert.Equal(5, predictions.Count);
        for (var i = 0; i < predictions.Count; i++)
        {
            // The example holds the first test rows, so the scorer must agree with the run's own scoring.
            Assert.Equal(result.Classes[result.TestPredictions.PredictedClass[i]], predictions[i].Label);
            Assert.Equal(result.TestPredictions.Probabilities[i][1], predictions[i].Probability!.Value, 1e-6);
        }

        var bad = JsonDocument.Parse("""[{"Seniority": "nine", "Home": 3, "Colour": "red"}]""").RootElement;
        var error = Assert.Throws<KeelException>(() => scorer.Score(bad));
        Assert.Contains("row 0: Colour: not an input of this model", error.Message);
        Assert.Contains("row 0: Seniority: expected a number (double), got a string", error.Message);
        Assert.Contains("row 0: Home: expected a string, got a number", error.Message);
        Assert.Contains("row 0: Income: missing", error.Message);
    }

    /// <summary>The package's input example (split orientation) as row objects.</summary>
    private static List<IReadOnlyDictionary<string, JsonElement>> ExampleRows(string packageDirectory)
    {
        var example = JsonDocument.Parse(File.ReadAllText(Path.Combine(packageDirectory, ModelPackage.InputExampleFileName))).RootElement;
        var columns = example.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        return example.GetProperty("data").EnumerateArray()
            .Select(r => (IReadOnlyDictionary<string, JsonElement>)columns.Zip(r.EnumerateArray()).ToDictionary(p => p.First, p => p.Second))
            .ToList();
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
