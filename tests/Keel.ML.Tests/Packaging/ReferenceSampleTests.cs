using Keel.Core.Data;
using Keel.Core.Models;
using Keel.Data;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;

namespace Keel.ML.Tests.Packaging;

public sealed class ReferenceSampleTests : IDisposable
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
          params: {number_of_trees: 10}
        importance: false
        """;

    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public void Draw_SameSeed_SameRows_AscendingAndDistinct()
    {
        var first = ReferenceSample.Draw(100_000, 1000, seed: 7);
        var second = ReferenceSample.Draw(100_000, 1000, seed: 7);
        var other = ReferenceSample.Draw(100_000, 1000, seed: 8);

        Assert.Equal(first, second);
        Assert.NotEqual(first, other);
        Assert.Equal(1000, first.Distinct().Count());
        Assert.Equal(first.Order(), first);
        Assert.All(first, r => Assert.InRange(r, 0, 99_999));
    }

    [Fact]
    public void Draw_FewerRowsThanSize_KeepsEveryRow()
    {
        Assert.Equal(Enumerable.Range(0, 50), ReferenceSample.Draw(50, 10_000, seed: 1));
        Assert.Empty(ReferenceSample.Draw(50, 0, seed: 1));
    }

    [Fact]
    public void Draw_IsUniform_EachRowKeptAboutSizeOverPopulation()
    {
        // 2,000 draws of 10 rows out of 100: every row is kept with probability 0.1, so about 200
        // times; a binomial(2000, 0.1) lies within 200 ± 5 sd (sd ≈ 13.4) with near certainty.
        var counts = new int[100];
        for (var seed = 0; seed < 2000; seed++)
        {
            foreach (var row in ReferenceSample.Draw(100, 10, seed))
            {
                counts[row]++;
            }
        }

        Assert.All(counts, c => Assert.InRange(c, 133, 267));
    }

    [Fact]
    public async Task Train_DefaultPipeline_KeepsEveryTrainingRowUpToTenThousand_AndRecordsItInKeelMlJson()
    {
        var result = await RunAsync(Credit);

        var descriptor = await TaskDescriptor.ReadAsync(result.PackageDirectory, CancellationToken.None);
        Assert.Equal(new ReferenceSampleInfo(360, 360, 11) { LabelledRows = 240 }, descriptor.Reference);
        var inputs = await ReadAsync(result.PackageDirectory, ReferenceSampleFiles.Inputs, result.Metadata.Signature.Inputs);
        Assert.Equal(360, inputs.RowCount);
        Assert.Equal(result.Metadata.Signature.Inputs.Select(c => c.Name), inputs.Columns.Select(c => c.Name));
    }

    [Fact]
    public async Task Train_WithReferenceRows_SamplesThatMany_SameFilesForTheSameSeed_WithThePredictionsOfThoseRows()
    {
        var yaml = Credit + "\nmonitoring: {reference_rows: 100}\n";
        var first = await RunAsync(yaml);
        var second = await RunAsync(yaml);

        var descriptor = await TaskDescriptor.ReadAsync(first.PackageDirectory, CancellationToken.None);
        Assert.Equal(new ReferenceSampleInfo(100, 360, 11) { LabelledRows = 100 }, descriptor.Reference);
        foreach (var file in (string[])[ReferenceSampleFiles.Inputs, ReferenceSampleFiles.Predictions, ReferenceSampleFiles.Labelled])
        {
            Assert.Equal(
                await File.ReadAllBytesAsync(Path.Combine(first.PackageDirectory, file)),
                await File.ReadAllBytesAsync(Path.Combine(second.PackageDirectory, file)));
        }

        // Every sampled row is a row of the training data file, as it was read.
        var inputs = await ReadAsync(first.PackageDirectory, ReferenceSampleFiles.Inputs, first.Metadata.Signature.Inputs);
        var original = await TableReader.ReadAsync(TestData.PathOf("credit_data_600.csv"));
        var originalRows = new HashSet<string>(Enumerable.Range(0, original.RowCount).Select(r => Row(original, inputs.Columns.Select(c => c.Name), r)), StringComparer.Ordinal);
        Assert.Equal(100, inputs.RowCount);
        Assert.All(Enumerable.Range(0, inputs.RowCount), r => Assert.Contains(Row(inputs, inputs.Columns.Select(c => c.Name), r), originalRows));

        var predictions = await TableReader.ReadAsync(Path.Combine(first.PackageDirectory, ReferenceSampleFiles.Predictions));
        Assert.Equal(100, predictions.RowCount);
        Assert.All(predictions[ReferenceSampleFiles.PredictionColumn]!.Texts!, label => Assert.Contains(label, (string[])["good", "bad"]));
        Assert.All(predictions[ReferenceSampleFiles.ProbabilityColumn]!.Numbers!, p => Assert.InRange(p, 0, 1));

        // The predicted label is the positive class ("bad") exactly when its probability is at least one half.
        var labels = predictions[ReferenceSampleFiles.PredictionColumn]!.Texts!;
        var probabilities = predictions[ReferenceSampleFiles.ProbabilityColumn]!.Numbers!;
        Assert.All(Enumerable.Range(0, 100), i => Assert.Equal(probabilities[i] >= 0.5, labels[i] == "bad"));
    }

    [Fact]
    public async Task Train_Binary_KeepsTheHeldOutRowsLabelled_WithThePositiveClassProbability_MatchingTheValidationAndTestMetrics()
    {
        var result = await RunAsync(Credit);

        var labelled = await TableReader.ReadAsync(Path.Combine(result.PackageDirectory, ReferenceSampleFiles.Labelled));
        Assert.Equal(["label", "prediction", "probability:bad"], labelled.Columns.Select(c => c.Name));
        Assert.Equal(240, labelled.RowCount); // validation and test: 40 % of 600
        var truth = labelled["label"]!.Texts!;
        var predicted = labelled["prediction"]!.Texts!;
        var probability = labelled["probability:bad"]!.Numbers!;
        Assert.All(Enumerable.Range(0, 240), i => Assert.Equal(probability[i] >= 0.5, predicted[i] == "bad"));

        // Every held-out row is there with its true label: the accuracy over the file is the mean of
        // the validation and test splits' accuracies, weighted by their rows, as training measured them.
        var (validation, test) = (result.Splits.Validation, result.Splits.Test);
        Assert.Equal(240, validation + test);
        var accuracy = Enumerable.Range(0, 240).Count(i => truth[i] == predicted[i]) / 240.0;
        Assert.Equal(((result.Metrics["validation"]["accuracy_score"] * validation) + (result.Metrics["test"]["accuracy_score"] * test)) / 240, accuracy, 9);
    }

    [Fact]
    public async Task Train_Multiclass_KeepsEveryClassProbability_SummingToOne()
    {
        var result = await RunAsync(Credit.Replace("target: Status", "target: Job").Replace("task: binary", "task: multiclass").Replace("name: FastTree", "name: LightGbm").Replace("number_of_trees: 10", "number_of_iterations: 10"));

        var labelled = await TableReader.ReadAsync(Path.Combine(result.PackageDirectory, ReferenceSampleFiles.Labelled));
        var classes = (await TaskDescriptor.ReadAsync(result.PackageDirectory, CancellationToken.None)).Classes;
        Assert.Equal(((string[])["label", "prediction"]).Concat(classes.Select(c => "probability:" + c)), labelled.Columns.Select(c => c.Name));
        var vectors = classes.Select(c => labelled["probability:" + c]!.Numbers!).ToArray();
        Assert.All(Enumerable.Range(0, labelled.RowCount), i =>
        {
            Assert.Equal(1.0, vectors.Sum(v => v[i]), 6);
            Assert.Equal(classes[Enumerable.Range(0, classes.Count).MaxBy(c => vectors[c][i])], labelled["prediction"]!.Texts![i]);
            Assert.Contains(labelled["label"]!.Texts![i], classes);
        });
    }

    [Fact]
    public async Task Train_ReferenceRowsZero_WritesNoSample()
    {
        var result = await RunAsync(Credit + "\nmonitoring: {reference_rows: 0}\n");

        Assert.Null((await TaskDescriptor.ReadAsync(result.PackageDirectory, CancellationToken.None)).Reference);
        Assert.False(File.Exists(Path.Combine(result.PackageDirectory, ReferenceSampleFiles.Inputs)));
        Assert.False(File.Exists(Path.Combine(result.PackageDirectory, ReferenceSampleFiles.Labelled)));
    }

    [Theory]
    [InlineData("monitoring: {reference_rows: -1}", "monitoring.reference_rows")]
    [InlineData("monitoring: {reference_rows: many}", "monitoring.reference_rows")]
    [InlineData("monitoring: {rows: 5}", "monitoring")]
    public void Parse_BadMonitoringSection_NamesTheField(string line, string field)
    {
        var error = Assert.Throws<Keel.Core.Errors.KeelException>(() => PipelineParser.Parse(Credit + "\n" + line + "\n", TestData.PipelinePath));
        Assert.Contains(field, error.Message);
    }

    private static string Row(DataTable table, IEnumerable<string> columns, int row) =>
        string.Join('\u001f', columns.Select(c => TableWriter.Cell(table[c]!, row) ?? "<missing>"));

    private static Task<DataTable> ReadAsync(string package, string file, IReadOnlyList<ColumnSpec> inputs) =>
        TableReader.ReadAsync(Path.Combine(package, file), new TableReadOptions
        {
            Delimiter = ',',
            Kinds = inputs.ToDictionary(c => c.Name, c => ColumnKinds.Of(c.Type), StringComparer.Ordinal),
        });

    private async Task<TrainingResult> RunAsync(string yaml)
    {
        var output = TestData.NewTempDirectory();
        _directories.Add(output);
        return await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(yaml, TestData.PipelinePath),
            OutputDirectory = output,
            RunId = "0123456789abcdef0123456789abcdef",
        });
    }
}
