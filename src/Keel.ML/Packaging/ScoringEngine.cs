using Keel.ML.Pipeline;
using Microsoft.ML;
using Microsoft.ML.Data;

namespace Keel.ML.Packaging;

/// <summary>
/// Scores one row at a time through ML.NET's row-to-row mapper, the way <c>PredictionEngine</c>
/// does inside: one mutable <see cref="EngineInputRow"/>, the model's output row over it, and the
/// output getters bound once. Reads the same columns as the batch path's
/// <see cref="Evaluation.PredictionReader"/> and turns them into a <see cref="ModelPrediction"/>
/// the same way, so both paths give bit-identical results. Not thread-safe: rent it from an
/// <see cref="EnginePool"/>.
/// </summary>
internal sealed class ScoringEngine : IDisposable
{
    private readonly TaskDescriptor _task;
    private readonly DataViewRow _output;
    private readonly ValueGetter<float>? _score;
    private readonly ValueGetter<bool>? _predictedFlag;
    private readonly ValueGetter<float>? _probability;
    private readonly ValueGetter<uint>? _predictedKey;
    private readonly ValueGetter<VBuffer<float>>? _scores;
    private VBuffer<float> _scoreBuffer;

    public ScoringEngine(ITransformer model, DataViewSchema inputSchema, int[] slots, TaskDescriptor task)
    {
        _task = task;
        Input = new EngineInputRow(inputSchema, slots);
        var mapper = model.GetRowToRowMapper(inputSchema);
        var schema = mapper.OutputSchema;
        var wanted = new List<DataViewSchema.Column>();
        if (task.Task != MLTask.Regression)
        {
            wanted.Add(schema["PredictedLabel"]);
        }

        var probabilityColumn = task.Task == MLTask.Binary ? schema.GetColumnOrNull("Probability") : null;
        if (probabilityColumn is { } p)
        {
            wanted.Add(p);
        }

        wanted.Add(schema["Score"]);
        _output = mapper.GetRow(Input, wanted);
        switch (task.Task)
        {
            case MLTask.Binary:
                _predictedFlag = _output.GetGetter<bool>(schema["PredictedLabel"]);
                _probability = probabilityColumn is { } column ? _output.GetGetter<float>(column) : null;
                _score = _output.GetGetter<float>(schema["Score"]);
                break;
            case MLTask.Multiclass:
                _predictedKey = _output.GetGetter<uint>(schema["PredictedLabel"]);
                _scores = _output.GetGetter<VBuffer<float>>(schema["Score"]);
                break;
            default:
                _score = _output.GetGetter<float>(schema["Score"]);
                break;
        }
    }

    /// <summary>The row to fill before <see cref="Predict"/>.</summary>
    public EngineInputRow Input { get; }

    /// <summary>Scores the values in <see cref="Input"/> (see <see cref="ModelScorer"/> for what the fields mean).</summary>
    /// <param name="withProbabilities">Also give every class's probability (classification).</param>
    public ModelPrediction Predict(bool withProbabilities = false)
    {
        Input.Advance();
        switch (_task.Task)
        {
            case MLTask.Binary:
                var flag = false;
                _predictedFlag!(ref flag);
                double positive;
                if (_probability is not null)
                {
                    var probability = 0f;
                    _probability(ref probability);
                    positive = probability;
                }
                else
                {
                    var score = 0f;
                    _score!(ref score);
                    positive = 1 / (1 + Math.Exp(-score));
                }

                return new ModelPrediction(_task.Classes[flag ? 1 : 0], positive, null, withProbabilities ? [1 - positive, positive] : null);
            case MLTask.Multiclass:
                uint key = 0;
                _predictedKey!(ref key);
                _scores!(ref _scoreBuffer);
                var predicted = (int)key - 1;
                return new ModelPrediction(_task.Classes[predicted], DenseAt(_scoreBuffer, predicted), null, withProbabilities ? AllClasses(_scoreBuffer, _task.Classes.Count) : null);
            default:
                var value = 0f;
                _score!(ref value);
                return new ModelPrediction(null, null, value);
        }
    }

    public void Dispose() => _output.Dispose();

    /// <summary>Every class's score (probability) as a new array, <paramref name="classes"/> long.</summary>
    private static double[] AllClasses(in VBuffer<float> buffer, int classes)
    {
        var all = new double[classes];
        for (var c = 0; c < classes; c++)
        {
            all[c] = DenseAt(buffer, c);
        }

        return all;
    }

    /// <summary>The value at <paramref name="index"/> as <c>DenseValues()</c> would give it (0 for an implicit sparse entry).</summary>
    private static double DenseAt(in VBuffer<float> buffer, int index)
    {
        if (buffer.IsDense)
        {
            return buffer.GetValues()[index];
        }

        var at = buffer.GetIndices().BinarySearch(index);
        return at >= 0 ? buffer.GetValues()[at] : 0f;
    }
}
