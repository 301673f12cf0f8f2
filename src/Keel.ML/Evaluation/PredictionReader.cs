using Keel.ML.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.ML.Evaluation;

/// <summary>Reads ML.NET's scored columns (PredictedLabel, Probability, Score) into <see cref="Predictions"/>.</summary>
internal static class PredictionReader
{
    public static Predictions Read(IDataView scored, MLTask task, bool withTruth = true)
    {
        switch (task)
        {
            case MLTask.Binary:
                var probability = scored.Schema.GetColumnOrNull("Probability") is not null
                    ? scored.GetColumn<float>("Probability").Select(p => (double)p).ToArray()
                    : scored.GetColumn<float>("Score").Select(s => 1 / (1 + Math.Exp(-s))).ToArray();
                return new Predictions
                {
                    Task = task,
                    TruthClass = withTruth ? scored.GetColumn<bool>("Label").Select(b => b ? 1 : 0).ToArray() : [],
                    PredictedClass = scored.GetColumn<bool>("PredictedLabel").Select(b => b ? 1 : 0).ToArray(),
                    Probabilities = probability.Select(p => new[] { 1 - p, p }).ToArray(),
                };
            case MLTask.Multiclass:
                return new Predictions
                {
                    Task = task,
                    TruthClass = withTruth ? scored.GetColumn<uint>("Label").Select(k => (int)k - 1).ToArray() : [],
                    PredictedClass = scored.GetColumn<uint>("PredictedLabel").Select(k => (int)k - 1).ToArray(),
                    Probabilities = scored.GetColumn<VBuffer<float>>("Score").Select(v => v.DenseValues().Select(x => (double)x).ToArray()).ToArray(),
                };
            default:
                return new Predictions
                {
                    Task = task,
                    TruthValue = withTruth ? scored.GetColumn<float>("Label").Select(x => (double)x).ToArray() : [],
                    PredictedValue = scored.GetColumn<float>("Score").Select(x => (double)x).ToArray(),
                };
        }
    }
}
