using System.Globalization;
using System.Text.Json;
using Keel.Core.Models;
using Keel.Data;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;
using Keel.Server.Tests.Serving;

namespace Keel.Server.Tests.Deployments.Analysis;

/// <summary>
/// A real breast-cancer classifier (FastTree, trained once) and its answers to every row of the
/// data set: the traffic the deployment gates and the report are tested on.
/// </summary>
public sealed class BreastCancerTraffic : IAsyncLifetime
{
    public string Folder { get; } = Directory.CreateTempSubdirectory("keel-analysis-tests-").FullName;

    /// <summary>The signature's input columns.</summary>
    public string[] Columns { get; private set; } = [];

    /// <summary>Each row's inputs as the prediction log keeps them: a JSON array in column order.</summary>
    public string[] RowsJson { get; private set; } = [];

    /// <summary>The model's answers, one per row.</summary>
    public IReadOnlyList<ModelPrediction> Predictions { get; private set; } = [];

    /// <summary>The true class of each row, spelt as the model spells its labels.</summary>
    public string[] Truth { get; private set; } = [];

    /// <summary>The data set's rows (inputs only) as CSV, for a reference sample.</summary>
    public string ReferenceCsvPath => Path.Combine(Folder, "reference.csv");

    public async ValueTask InitializeAsync()
    {
        var source = Path.Combine(ServingFixture.RepositoryRoot(), "examples", "breast-cancer", "pipeline.yaml");
        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(ServingFixture.Pipeline, source),
            OutputDirectory = Path.Combine(Folder, "train"),
            ComputeImportance = false,
        });
        var contents = await ModelPackage.ReadAsync(result.PackageDirectory);
        Columns = contents.InputExample.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
        var table = await TableReader.ReadAsync(Path.Combine(Path.GetDirectoryName(source)!, "breast_cancer_wdbc.csv"));
        var columns = Columns.Select(c => table[c]!.Numbers!).ToArray();
        var target = table["target"]!.Numbers!;
        RowsJson = Enumerable.Range(0, table.RowCount)
            .Select(r => "[" + string.Join(",", columns.Select(c => c[r].ToString("R", CultureInfo.InvariantCulture))) + "]")
            .ToArray();
        var records = Enumerable.Range(0, table.RowCount)
            .Select(r => Columns.Select((c, i) => (c, columns[i][r])).ToDictionary(x => x.c, x => x.Item2))
            .ToList();
        using var scorer = await ModelScorer.LoadAsync(result.PackageDirectory);
        Predictions = scorer.Score(JsonSerializer.SerializeToElement(records));
        // The class names are the model's (its labels); the target 1 is the class it predicts most for target-1 rows.
        var positive = Enumerable.Range(0, table.RowCount).Where(r => target[r] == 1).GroupBy(r => Predictions[r].Label!).OrderByDescending(g => g.Count()).First().Key;
        var negative = Predictions.Select(p => p.Label!).Distinct().Single(l => l != positive);
        Truth = target.Select(t => t == 1 ? positive : negative).ToArray();
        await File.WriteAllTextAsync(ReferenceCsvPath, string.Join(",", Columns) + "\n" + string.Join("\n", RowsJson.Select(r => r.Trim('[', ']'))) + "\n");
    }

    public ValueTask DisposeAsync()
    {
        Directory.Delete(Folder, recursive: true);
        return ValueTask.CompletedTask;
    }

    /// <summary>Row <paramref name="i"/>'s answer as the prediction log keeps it; inverted: the other class with 1 − p.</summary>
    public string OutputJson(int i, bool inverted = false)
    {
        var p = Predictions[i];
        string label = inverted ? Predictions.Select(x => x.Label!).Distinct().Single(l => l != p.Label) : p.Label!;
        double probability = inverted ? 1 - p.Probability!.Value : p.Probability!.Value;
        return JsonSerializer.Serialize(new[] { new Dictionary<string, object> { ["predicted_label"] = label, ["probability"] = probability } });
    }
}
