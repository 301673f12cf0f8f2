using System.Globalization;
using System.Text.Json;
using Keel.Core.Models;
using Keel.ML.Data;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;

namespace Keel.ML.Tests.Packaging;

/// <summary>
/// The pooled row-by-row engines must give exactly (bit for bit) what the batch path gives: the
/// same featurisation of numbers, missing values, categoricals (seen and unseen) and datetimes,
/// for binary, multiclass and regression models.
/// </summary>
public sealed class EngineParityTests : IDisposable
{
    private readonly List<string> _directories = [];

    public void Dispose()
    {
        foreach (var directory in _directories)
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task BreastCancerBinary_EngineEqualsBatch()
    {
        await AssertParityAsync("""
            name: cancer
            data: {path: breast_cancer_wdbc.csv, target: target, task: binary, drop: [diagnosis]}
            split: {train: 0.8, validation: 0.1, test: 0.1, seed: 3}
            trainer: {name: FastTree, params: {number_of_trees: 10, number_of_leaves: 4}}
            """, "breast_cancer_wdbc.csv", MLTask.Binary);
    }

    [Fact]
    public async Task CreditBinaryWithMissingValuesAndCategoricals_EngineEqualsBatch()
    {
        await AssertParityAsync("""
            name: credit
            data: {path: credit_data_600.csv, target: Status, task: binary}
            split: {train: 0.8, validation: 0.1, test: 0.1, seed: 5}
            trainer: {name: LightGbm, params: {number_of_iterations: 20}}
            """, "credit_data_600.csv", MLTask.Binary);
    }

    [Fact]
    public async Task CreditBinaryLogisticRegression_ProbabilityFromCalibrator_EngineEqualsBatch()
    {
        await AssertParityAsync("""
            name: credit-lr
            data: {path: credit_data_600.csv, target: Status, task: binary}
            split: {train: 0.8, validation: 0.1, test: 0.1, seed: 5}
            trainer: {name: LbfgsLogisticRegression}
            """, "credit_data_600.csv", MLTask.Binary);
    }

    [Fact]
    public async Task CreditMulticlass_EngineEqualsBatch()
    {
        await AssertParityAsync("""
            name: home
            data: {path: credit_data_600.csv, target: Home, task: multiclass}
            split: {train: 0.8, validation: 0.1, test: 0.1, seed: 5}
            trainer: {name: LightGbm, params: {number_of_iterations: 20}}
            """, "credit_data_600.csv", MLTask.Multiclass);
    }

    [Fact]
    public async Task CreditRegression_EngineEqualsBatch()
    {
        await AssertParityAsync("""
            name: amount
            data: {path: credit_data_600.csv, target: Amount, task: regression}
            split: {train: 0.8, validation: 0.1, test: 0.1, seed: 5}
            trainer: {name: FastTree, params: {number_of_trees: 20}}
            """, "credit_data_600.csv", MLTask.Regression);
    }

    [Fact]
    public async Task FlightsRegressionWithADatetimeColumn_EngineEqualsBatch()
    {
        await AssertParityAsync("""
            name: flights
            data: {path: flights_2000.csv, target: delay, task: regression}
            split: {train: 0.8, validation: 0.1, test: 0.1, seed: 5}
            trainer: {name: FastTree, params: {number_of_trees: 20}}
            """, "flights_2000.csv", MLTask.Regression);
    }

    [Fact]
    public async Task Engines_ArePooledAndReused()
    {
        using var scorer = await TrainAsync("""
            name: cancer
            data: {path: breast_cancer_wdbc.csv, target: target, task: binary, drop: [diagnosis]}
            trainer: {name: FastTree, params: {number_of_trees: 5, number_of_leaves: 4}}
            """);
        var rows = await RowsAsync("breast_cancer_wdbc.csv", scorer, 40);

        for (var i = 0; i < 10; i++)
        {
            scorer.Score([rows[i]]);
        }

        Assert.Equal(1, scorer.EnginesCreated);
        Assert.Equal(1, scorer.IdleEngines);

        // Concurrent calls each rent their own engine and the results stay right.
        var expected = scorer.ScoreBatch(rows);
        Parallel.For(0, 400, new ParallelOptions { MaxDegreeOfParallelism = 4 }, i =>
            Assert.Equal(expected[i % rows.Count], scorer.Score([rows[i % rows.Count]])[0]));
        Assert.InRange(scorer.EnginesCreated, 1, 4 + 1);
        Assert.InRange(scorer.IdleEngines, 1, scorer.EngineCapacity);

        // Warm-up creates engines up front, at most the pool's capacity.
        scorer.WarmEngines(rows[..3], scorer.EngineCapacity + 5);
        Assert.Equal(scorer.EngineCapacity, scorer.IdleEngines);
        Assert.Equal(scorer.EngineCapacity, scorer.EnginePoolSize);

        scorer.Dispose();
        Assert.Equal(0, scorer.IdleEngines);
        Assert.Equal(0, scorer.EnginePoolSize);
    }

    [Fact]
    public async Task RowsByPosition_ScoreAndFailExactlyAsRowsByName()
    {
        using var scorer = await TrainAsync("""
            name: credit
            data: {path: credit_data_600.csv, target: Status, task: binary}
            trainer: {name: FastTree, params: {number_of_trees: 5, number_of_leaves: 4}}
            """);
        var rows = await RowsAsync("credit_data_600.csv", scorer, 50);

        // Columns in another order than the signature's.
        var names = rows[0].Keys.Reverse().ToArray();
        var columns = new ScoringColumns(names);
        var positional = rows.Select(r => (IReadOnlyDictionary<string, JsonElement>)new ScoringRow(columns, names.Select(n => r[n]).ToArray())).ToList();
        Assert.Equal(scorer.Score(rows), scorer.Score(positional));
        Assert.Equal(rows[3].OrderBy(p => p.Key).Select(p => p.Key), positional[3].OrderBy(p => p.Key).Select(p => p.Key));

        // Read as a map (e.g. by a prediction log) a positional row is its dictionary.
        Assert.Equal(
            JsonSerializer.Serialize(rows[3].OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary()),
            JsonSerializer.Serialize(positional[3].OrderBy(p => p.Key, StringComparer.Ordinal).ToDictionary()));
        Assert.Equal(rows[3].Count, JsonDocument.Parse(JsonSerializer.Serialize(positional[3])).RootElement.EnumerateObject().Count());

        // Columns in signature order (read without lookups).
        var signature = scorer.Metadata.Signature.Inputs.Select(i => i.Name).ToArray();
        var inOrder = new ScoringColumns(signature);
        Assert.Equal(scorer.Score(rows), scorer.Score(rows.Select(r => (IReadOnlyDictionary<string, JsonElement>)new ScoringRow(inOrder, signature.Select(n => r[n]).ToArray())).ToList()));

        // An unknown column, a missing one and a wrong type: the same problems, in the same order.
        var badNames = names.Skip(1).Append("shoe_size").ToArray();
        var badColumns = new ScoringColumns(badNames);
        var text = JsonSerializer.SerializeToElement("big");
        var badPositional = rows.Take(2).Select(r => (IReadOnlyDictionary<string, JsonElement>)new ScoringRow(
            badColumns, badNames.Select(n => n == "shoe_size" ? JsonSerializer.SerializeToElement(42) : n == badNames[0] ? text : r[n]).ToArray())).ToList();
        var badByName = badPositional.Select(r => (IReadOnlyDictionary<string, JsonElement>)r.ToDictionary(p => p.Key, p => p.Value)).ToList();
        var byPosition = Assert.Throws<Keel.Core.Errors.KeelException>(() => scorer.Score(badPositional));
        var byName = Assert.Throws<Keel.Core.Errors.KeelException>(() => scorer.Score(badByName));
        Assert.Equal(byName.Message, byPosition.Message);
        Assert.Contains("row 0: shoe_size: not an input of this model; ", byName.Message, StringComparison.Ordinal);
        Assert.Contains($"row 1: {names[0]}: missing (send null for a missing value)", byName.Message, StringComparison.Ordinal);
        Assert.Contains($"row 1: {badNames[0]}: expected a number", byName.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NumberBeyondDoubleRange_IsNamedAsAProblem()
    {
        using var scorer = await TrainAsync("""
            name: cancer
            data: {path: breast_cancer_wdbc.csv, target: target, task: binary, drop: [diagnosis]}
            trainer: {name: FastTree, params: {number_of_trees: 3, number_of_leaves: 4}}
            """);
        var row = (await RowsAsync("breast_cancer_wdbc.csv", scorer, 1))[0].ToDictionary();
        var column = scorer.Metadata.Signature.Inputs[0].Name;
        row[column] = JsonDocument.Parse("1e400").RootElement.Clone();

        var error = Assert.Throws<Keel.Core.Errors.KeelException>(() => scorer.Score([row]));
        Assert.Contains($"row 0: {column}: expected a number (double), got a number out of range", error.Message, StringComparison.Ordinal);
    }

    private async Task AssertParityAsync(string yaml, string file, MLTask task)
    {
        using var scorer = await TrainAsync(yaml);
        Assert.Equal(task, scorer.Task.Task);
        var rows = await RowsAsync(file, scorer, 300);
        rows.AddRange(EdgeRows(scorer));

        var batch = scorer.ScoreBatch(rows);
        var engine = scorer.ScoreRows(rows, strictColumns: true, ignored: null);

        Assert.Equal(batch.Length, engine.Length);
        for (var i = 0; i < batch.Length; i++)
        {
            // Record equality compares the doubles exactly.
            Assert.True(batch[i] == engine[i], $"row {i}: batch {batch[i]} != engine {engine[i]}");
        }

        // The public entry point takes the engine path for small requests and agrees as well.
        Assert.Equal(batch[..10], scorer.Score(rows[..10]));
        Assert.True(task == MLTask.Regression ? batch.All(p => p.Value is not null) : batch.All(p => p.Label is not null && p.Probability is not null));
        if (task != MLTask.Regression)
        {
            AssertEveryClassProbability(scorer, rows, batch);
        }
        else
        {
            var e = Assert.Throws<Keel.Core.Errors.KeelException>(() => scorer.Score(rows[..1], strictColumns: true, withProbabilities: true));
            Assert.Contains("regression model", e.Message, StringComparison.Ordinal);
        }
    }

    /// <summary>With every class's probability asked for: same labels and probabilities, one probability per class, the predicted class's equal to its probability.</summary>
    private static void AssertEveryClassProbability(ModelScorer scorer, List<IReadOnlyDictionary<string, JsonElement>> rows, ModelPrediction[] batch)
    {
        var classes = scorer.Task.Classes;
        var scored = scorer.Score(rows, strictColumns: true, withProbabilities: true).Predictions;
        for (var i = 0; i < batch.Length; i++)
        {
            var p = scored[i];
            Assert.Equal((batch[i].Label, batch[i].Probability), (p.Label, p.Probability));
            var all = Assert.IsType<double[]>(p.Probabilities);
            Assert.Equal(classes.Count, all.Length);
            if (scorer.Task.Task == MLTask.Binary)
            {
                Assert.Equal(p.Probability!.Value, all[1]);
                Assert.Equal(1 - p.Probability.Value, all[0]);
            }
            else
            {
                Assert.Equal(p.Probability!.Value, all[IndexOf(classes, p.Label!)]);
                Assert.Equal(1.0, all.Sum(), 5);
                Assert.Equal(all.Max(), p.Probability.Value);
            }
        }

    }

    private static int IndexOf(IReadOnlyList<string> classes, string label)
    {
        for (var c = 0; c < classes.Count; c++)
        {
            if (classes[c] == label)
            {
                return c;
            }
        }

        return -1;
    }

    private async Task<ModelScorer> TrainAsync(string yaml)
    {
        var output = TestData.NewTempDirectory();
        _directories.Add(output);
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(yaml, TestData.PipelinePath),
            OutputDirectory = output,
            ComputeImportance = false,
        });
        return await ModelScorer.LoadAsync(result.PackageDirectory);
    }

    /// <summary>The file's first rows as request rows: the signature's columns, empty cells as null, numbers as JSON numbers.</summary>
    private static async Task<List<IReadOnlyDictionary<string, JsonElement>>> RowsAsync(string file, ModelScorer scorer, int count)
    {
        var table = await DataLoader.LoadAsync(TestData.PathOf(file));
        var inputs = scorer.Metadata.Signature.Inputs;
        var rows = new List<IReadOnlyDictionary<string, JsonElement>>();
        for (var r = 0; r < Math.Min(count, table.RowCount); r++)
        {
            var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var input in inputs)
            {
                var raw = table[input.Name].Texts![r];
                row[input.Name] = raw is null
                    ? JsonSerializer.SerializeToElement<string?>(null)
                    : IsNumeric(input.Type)
                        ? JsonSerializer.SerializeToElement(double.Parse(raw, CultureInfo.InvariantCulture))
                        : JsonSerializer.SerializeToElement(raw);
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>An all-missing row, unseen categories, awkward numbers and datetimes in other accepted formats.</summary>
    private static IEnumerable<IReadOnlyDictionary<string, JsonElement>> EdgeRows(ModelScorer scorer)
    {
        var inputs = scorer.Metadata.Signature.Inputs;
        string[] numbers = ["0", "-0.0", "1e-300", "123456789.123456789", "0.1", "3.4028235E+38", "-7.5e10"];
        string[] times = ["2001-02-03", "2001-06-30T23:59:59Z", "2001/12/31", "2001-03-04 05:06"];
        string[] texts = ["never-seen-in-training", string.Empty, "RENT", " rent"];
        yield return inputs.ToDictionary(c => c.Name, _ => JsonSerializer.SerializeToElement<string?>(null));
        for (var i = 0; i < 8; i++)
        {
            yield return inputs.ToDictionary(
                c => c.Name,
                c => c.Type switch
                {
                    _ when IsNumeric(c.Type) => JsonDocument.Parse(numbers[i % numbers.Length]).RootElement.Clone(),
                    ColumnType.DateTime => JsonSerializer.SerializeToElement(times[i % times.Length]),
                    _ => JsonSerializer.SerializeToElement(texts[i % texts.Length]),
                });
        }
    }

    private static bool IsNumeric(ColumnType type) => type is ColumnType.Double or ColumnType.Float or ColumnType.Long or ColumnType.Integer;
}
