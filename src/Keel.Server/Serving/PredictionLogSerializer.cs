using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using Keel.Core.Predictions;
using Keel.ML.Packaging;

namespace Keel.Server.Serving;

/// <summary>
/// Turns buffered requests into <see cref="PredictionLogRecord"/>s on the writer thread: inputs as
/// an array of row value arrays in signature column order (the column names are the model's one
/// shared list), outputs as MLflow's <c>predictions</c> array.
/// One buffer and JSON writer are reused for every record; not thread-safe (one per writer loop).
/// </summary>
internal sealed class PredictionLogSerializer : IDisposable
{
    /// <summary>Each served model's input column names, made once and shared by all its records (weak: a replaced model is not kept alive).</summary>
    private static readonly ConditionalWeakTable<ServedModel, string[]> ColumnNames = new();

    private readonly ArrayBufferWriter<byte> _buffer = new(4096);
    private readonly Utf8JsonWriter _writer;

    public PredictionLogSerializer() => _writer = new Utf8JsonWriter(_buffer);

    public void Dispose() => _writer.Dispose();

    public PredictionLogRecord ToRecord(in PendingPrediction pending) => new(
        pending.RequestId,
        pending.Model.Name,
        pending.Model.Version,
        pending.TimestampMs,
        pending.LatencyMicroseconds,
        pending.Rows.Count,
        ColumnNames.GetValue(pending.Model, m => m.Signature.Inputs.Select(c => c.Name).ToArray()),
        Inputs(pending.Rows, pending.Model),
        Outputs(pending.Predictions));

    private string Inputs(IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows, ServedModel model)
    {
        Reset();
        var columns = model.Signature.Inputs;
        _writer.WriteStartArray();
        foreach (var row in rows)
        {
            _writer.WriteStartArray();
            foreach (var column in columns)
            {
                if (row.TryGetValue(column.Name, out var value) && value.ValueKind != JsonValueKind.Undefined)
                {
                    value.WriteTo(_writer);
                }
                else
                {
                    _writer.WriteNullValue();
                }
            }

            _writer.WriteEndArray();
        }

        _writer.WriteEndArray();
        return Text();
    }

    private string Outputs(IReadOnlyList<ModelPrediction> predictions)
    {
        Reset();
        _writer.WriteStartArray();
        foreach (var p in predictions)
        {
            if (p.Label is null)
            {
                Number(p.Value);
                continue;
            }

            _writer.WriteStartObject();
            _writer.WriteString("predicted_label", p.Label);
            _writer.WritePropertyName("probability");
            Number(p.Probability);
            _writer.WriteEndObject();
        }

        _writer.WriteEndArray();
        return Text();
    }

    /// <summary>JSON has no NaN or infinity: those are written as null.</summary>
    private void Number(double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            _writer.WriteNumberValue(v);
        }
        else
        {
            _writer.WriteNullValue();
        }
    }

    private void Reset()
    {
        _buffer.ResetWrittenCount();
        _writer.Reset();
    }

    private string Text()
    {
        _writer.Flush();
        return Encoding.UTF8.GetString(_buffer.WrittenSpan);
    }
}
