using System.Globalization;
using System.Text.Json;
using Keel.ML.Data;
using Keel.ML.Evaluation;
using Keel.ML.Pipeline;
using Keel.ML.Training;

namespace Keel.ML.Packaging;

// The batch path: the reference the row engines are tested against (see the class remarks).
public sealed partial class ModelScorer
{
    /// <summary>Scores checked rows as one batch: the training featurisation's view, one <c>Transform</c> (the engines' reference).</summary>
    internal ModelPrediction[] ScoreBatch(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows)
    {
        var values = new string?[_features.Length][];
        for (var c = 0; c < _features.Length; c++)
        {
            var column = values[c] = new string?[rows.Count];
            var name = _features[c].Name;
            for (var r = 0; r < rows.Count; r++)
            {
                column[r] = Text(rows[r][name]);
            }
        }

        var kinds = _features.ToDictionary(f => f.Name, f => f.Kind, StringComparer.Ordinal);
        var table = DataLoader.Build(_features.Select(f => f.Name).ToArray(), values, kinds);
        var scored = PredictionReader.Read(_model.Transform(ViewBuilder.Build(table, _features, null, null)), Task.Task, withTruth: false);
        var result = new ModelPrediction[rows.Count];
        for (var r = 0; r < result.Length; r++)
        {
            result[r] = Task.Task switch
            {
                MLTask.Regression => new ModelPrediction(null, null, scored.PredictedValue[r]),
                MLTask.Binary => new ModelPrediction(Task.Classes[scored.PredictedClass[r]], scored.Probabilities[r][1], null),
                _ => new ModelPrediction(Task.Classes[scored.PredictedClass[r]], scored.Probabilities[r][scored.PredictedClass[r]], null),
            };
        }

        return result;
    }


    /// <summary>A checked value as the batch path's text (null = missing).</summary>
    private static string? Text(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.Number => value.GetDouble().ToString("R", CultureInfo.InvariantCulture),
        _ => value.GetString(),
    };
}
