using Keel.ML.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.ML.Evaluation;

/// <summary>
/// Reads ML.NET's scored columns (PredictedLabel, Probability, Score, Label) into
/// <see cref="Predictions"/> in one cursor pass: each pass re-runs featurisation and the model.
/// </summary>
internal static class PredictionReader
{
    public static Predictions Read(IDataView scored, MLTask task, bool withTruth = true)
    {
        var schema = scored.Schema;
        var wanted = new List<DataViewSchema.Column> { schema["Score"] };
        if (task != MLTask.Regression)
        {
            wanted.Add(schema["PredictedLabel"]);
        }

        var probabilityColumn = task == MLTask.Binary ? schema.GetColumnOrNull("Probability") : null;
        if (probabilityColumn is { } p)
        {
            wanted.Add(p);
        }

        if (withTruth)
        {
            wanted.Add(schema["Label"]);
        }

        using var cursor = scored.GetRowCursor(wanted);
        return task switch
        {
            MLTask.Binary => ReadBinary(cursor, schema, probabilityColumn, withTruth),
            MLTask.Multiclass => ReadMulticlass(cursor, schema, withTruth),
            _ => ReadRegression(cursor, schema, withTruth),
        };
    }

    private static Predictions ReadBinary(DataViewRowCursor cursor, DataViewSchema schema, DataViewSchema.Column? probabilityColumn, bool withTruth)
    {
        var score = cursor.GetGetter<float>(schema["Score"]);
        var predicted = cursor.GetGetter<bool>(schema["PredictedLabel"]);
        var probability = probabilityColumn is { } column ? cursor.GetGetter<float>(column) : null;
        var label = withTruth ? cursor.GetGetter<bool>(schema["Label"]) : null;
        List<int> truth = [], said = [];
        List<double[]> probabilities = [];
        float s = 0, prob = 0;
        bool flag = false, truthFlag = false;
        while (cursor.MoveNext())
        {
            predicted(ref flag);
            said.Add(flag ? 1 : 0);
            double positive;
            if (probability is not null)
            {
                probability(ref prob);
                positive = prob;
            }
            else
            {
                score(ref s);
                positive = 1 / (1 + Math.Exp(-s));
            }

            probabilities.Add([1 - positive, positive]);
            if (label is not null)
            {
                label(ref truthFlag);
                truth.Add(truthFlag ? 1 : 0);
            }
        }

        return new Predictions { Task = MLTask.Binary, TruthClass = [.. truth], PredictedClass = [.. said], Probabilities = [.. probabilities] };
    }

    private static Predictions ReadMulticlass(DataViewRowCursor cursor, DataViewSchema schema, bool withTruth)
    {
        var score = cursor.GetGetter<VBuffer<float>>(schema["Score"]);
        var predicted = cursor.GetGetter<uint>(schema["PredictedLabel"]);
        var label = withTruth ? cursor.GetGetter<uint>(schema["Label"]) : null;
        List<int> truth = [], said = [];
        List<double[]> probabilities = [];
        VBuffer<float> scores = default;
        uint key = 0, truthKey = 0;
        while (cursor.MoveNext())
        {
            predicted(ref key);
            said.Add((int)key - 1);
            score(ref scores);
            var row = new double[scores.Length];
            var i = 0;
            foreach (var value in scores.DenseValues())
            {
                row[i++] = value;
            }

            probabilities.Add(row);
            if (label is not null)
            {
                label(ref truthKey);
                truth.Add((int)truthKey - 1);
            }
        }

        return new Predictions { Task = MLTask.Multiclass, TruthClass = [.. truth], PredictedClass = [.. said], Probabilities = [.. probabilities] };
    }

    private static Predictions ReadRegression(DataViewRowCursor cursor, DataViewSchema schema, bool withTruth)
    {
        var score = cursor.GetGetter<float>(schema["Score"]);
        var label = withTruth ? cursor.GetGetter<float>(schema["Label"]) : null;
        List<double> truth = [], predicted = [];
        float s = 0, y = 0;
        while (cursor.MoveNext())
        {
            score(ref s);
            predicted.Add(s);
            if (label is not null)
            {
                label(ref y);
                truth.Add(y);
            }
        }

        return new Predictions { Task = MLTask.Regression, TruthValue = [.. truth], PredictedValue = [.. predicted] };
    }
}
