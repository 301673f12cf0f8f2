using System.Text.Json;
using Keel.Data;
using Keel.ML.Packaging;
using Keel.ML.Pipeline;
using Keel.ML.Running;

namespace Keel.Server.Tests.Monitoring.Estimation;

/// <summary>
/// A real model trained on part of a shipped data set (examples/, provenance in examples/README.md),
/// with its class probabilities and predictions on two held-out parts: a labelled reference and a
/// stream to replay. Rows are assigned to the parts at random (seeded), so all three are draws of
/// the same distribution until a test shifts the stream.
/// </summary>
internal sealed record ReplayedClassifier(
    IReadOnlyList<string> Classes, double[][] ReferenceProbabilities, string[] ReferenceLabels, double[][] StreamProbabilities, string[] StreamPredicted, string[] StreamLabels)
{
    /// <summary>
    /// Trains on a share of the first rows of a CSV file, scores another share as the reference
    /// and the rest as the stream; <c>truth</c> gives a row's true class from its table cells (the
    /// label column may be derived).
    /// </summary>
    public static async Task<ReplayedClassifier> TrainAsync(
        string csv, int rows, double trainShare, double referenceShare, string pipelineYaml, Func<DataTable, int, string> truth, string folder, CancellationToken ct)
    {
        var lines = (await File.ReadAllLinesAsync(csv, ct)).ToList();
        var header = lines[0];
        var body = lines.Skip(1).Take(rows).ToArray();
        new Random(17).Shuffle(body);
        int train = (int)(body.Length * trainShare), reference = (int)(body.Length * referenceShare);
        await File.WriteAllLinesAsync(Path.Combine(folder, "train.csv"), body.Take(train).Prepend(header), ct);
        await File.WriteAllLinesAsync(Path.Combine(folder, "reference.csv"), body.Skip(train).Take(reference).Prepend(header), ct);
        await File.WriteAllLinesAsync(Path.Combine(folder, "stream.csv"), body.Skip(train + reference).Prepend(header), ct);

        var result = await new TrainingRunner().RunAsync(new TrainingRunOptions
        {
            Pipeline = PipelineParser.Parse(pipelineYaml, Path.Combine(folder, "pipeline.yaml")),
            OutputDirectory = Path.Combine(folder, "run"),
        }, ct);
        using var scorer = await ModelScorer.LoadAsync(result.PackageDirectory, ct);
        var inputs = result.Metadata.Signature.Inputs.Select(c => c.Name).ToArray();
        var (refP, _, refY) = await ScoreAsync(scorer, Path.Combine(folder, "reference.csv"), inputs, truth, ct);
        var (streamP, streamPredicted, streamY) = await ScoreAsync(scorer, Path.Combine(folder, "stream.csv"), inputs, truth, ct);
        return new ReplayedClassifier(scorer.Task.Classes, refP, refY, streamP, streamPredicted, streamY);
    }

    private static async Task<(double[][] P, string[] Predicted, string[] Truth)> ScoreAsync(ModelScorer scorer, string file, string[] inputs, Func<DataTable, int, string> truth, CancellationToken ct)
    {
        var table = await TableReader.ReadAsync(file, new TableReadOptions { KeepText = true }, cancellationToken: ct);
        var rows = new List<IReadOnlyDictionary<string, JsonElement>>(table.RowCount);
        for (int r = 0; r < table.RowCount; r++)
        {
            var row = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            foreach (var name in inputs)
            {
                var column = table[name]!;
                row[name] = column.Numbers is { } numbers
                    ? JsonSerializer.SerializeToElement(double.IsNaN(numbers[r]) ? (double?)null : numbers[r])
                    : JsonSerializer.SerializeToElement(column.Texts![r]);
            }

            rows.Add(row);
        }

        var p = new double[rows.Count][];
        var predicted = new string[rows.Count];
        for (int start = 0; start < rows.Count; start += 1000)
        {
            var batch = rows.Skip(start).Take(1000).ToList();
            var scored = scorer.Score(batch, strictColumns: false, withProbabilities: true).Predictions;
            for (int i = 0; i < scored.Count; i++)
            {
                p[start + i] = scored[i].Probabilities!;
                predicted[start + i] = scored[i].Label!;
            }
        }

        return (p, predicted, Enumerable.Range(0, table.RowCount).Select(r => truth(table, r)).ToArray());
    }
}
