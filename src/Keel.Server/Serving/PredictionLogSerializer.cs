using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using Keel.Core.Predictions;
using Keel.ML.Packaging;

namespace Keel.Server.Serving;

/// <summary>
/// Turns one served request into the prediction log's UTF-8 JSON, on the request's own thread, into
/// one array rented from <see cref="ArrayPool{T}.Shared"/> (returned by the writer once the store
/// has it): inputs first (an array of row value arrays in signature column order, a
/// <c>sha256:</c> string per row, or <c>[]</c>, by <see cref="PredictionInputsMode"/>), then
/// outputs as MLflow's <c>predictions</c> array.
/// </summary>
/// <remarks>
/// Input values are copied as the raw UTF-8 tokens of the parsed request body
/// (<see cref="JsonMarshal.GetRawUtf8Value"/>): already validated JSON, so nothing is re-encoded.
/// Only these bytes wait in the log's buffer; the request's parsed rows die young, which keeps
/// the collector's gen1 work and the buffer's memory down to the bytes that will be stored.
/// Each thread keeps a scratch buffer for the next request unless it grew past
/// <see cref="KeepScratchBytes"/> (one huge request does not pin memory on its thread).
/// </remarks>
internal static class PredictionLogSerializer
{
    /// <summary>Largest per-thread scratch buffer kept between requests.</summary>
    internal const int KeepScratchBytes = 256 * 1024;

    /// <summary>Each served model's input column names, made once and shared by all its records (weak: a replaced model is not kept alive).</summary>
    private static readonly ConditionalWeakTable<ServedModel, string[]> ColumnNames = new();

    /// <summary>Each served multiclass model's class names, JSON-encoded once; null for other models.</summary>
    private static readonly ConditionalWeakTable<ServedModel, JsonEncodedText[]?> ClassNames = new();

    [ThreadStatic]
    private static Scratch? t_scratch;

    /// <summary>The input column names of <paramref name="model"/> in signature order (one shared array per model).</summary>
    public static string[] Columns(ServedModel model) =>
        ColumnNames.GetValue(model, m => m.Signature.Inputs.Select(c => c.Name).ToArray());

    /// <summary>
    /// The class names whose probabilities a multiclass model's records keep
    /// (<c>"probabilities": {class: p, ...}</c>, as <c>/invocations</c> answers them); null for binary
    /// models (the positive class's probability gives the whole vector) and regression.
    /// </summary>
    public static JsonEncodedText[]? Classes(ServedModel model) =>
        ClassNames.GetValue(model, m => m.Scorer.Task.Task == Keel.ML.Pipeline.MLTask.Multiclass ? m.Scorer.Task.Classes.Select(c => JsonEncodedText.Encode(c)).ToArray() : null);

    /// <summary>Serialises a request into a rented array: <c>[0, inputsLength)</c> inputs, <c>[inputsLength, length)</c> outputs.</summary>
    public static byte[] Serialize(
        IReadOnlyList<IReadOnlyDictionary<string, JsonElement>> rows,
        IReadOnlyList<ModelPrediction> predictions,
        string[] columns,
        PredictionInputsMode mode,
        out int inputsLength,
        out int length,
        JsonEncodedText[]? classes = null)
    {
        var scratch = t_scratch ??= new Scratch();
        var buffer = scratch.Buffer;
        try
        {
            switch (mode)
            {
                case PredictionInputsMode.Full:
                    Put(buffer, "["u8);
                    for (var r = 0; r < rows.Count; r++)
                    {
                        if (r > 0)
                        {
                            Put(buffer, ","u8);
                        }

                        WriteRow(buffer, rows[r], columns);
                    }

                    Put(buffer, "]"u8);
                    break;
                case PredictionInputsMode.Hash:
                    Put(buffer, "["u8);
                    for (var r = 0; r < rows.Count; r++)
                    {
                        scratch.Row.ResetWrittenCount();
                        WriteRow(scratch.Row, rows[r], columns);
                        var hash = buffer.GetSpan(PredictionInputHash.Length + 3);
                        var at = 0;
                        if (r > 0)
                        {
                            hash[at++] = (byte)',';
                        }

                        hash[at++] = (byte)'"';
                        PredictionInputHash.Write(scratch.Row.WrittenSpan, hash[at..]);
                        at += PredictionInputHash.Length;
                        hash[at++] = (byte)'"';
                        buffer.Advance(at);
                    }

                    Put(buffer, "]"u8);
                    break;
                default:
                    Put(buffer, "[]"u8);
                    break;
            }

            inputsLength = buffer.WrittenCount;
            WriteOutputs(scratch.Writer, predictions, classes);
            length = buffer.WrittenCount;
            var array = ArrayPool<byte>.Shared.Rent(length);
            buffer.WrittenSpan.CopyTo(array);
            return array;
        }
        finally
        {
            if (buffer.Capacity > KeepScratchBytes || scratch.Row.Capacity > KeepScratchBytes)
            {
                t_scratch = null;
                scratch.Writer.Dispose();
            }
            else
            {
                buffer.ResetWrittenCount();
            }
        }
    }

    /// <summary>One row as a compact JSON array of its values in column order (missing values null): the canonical row.</summary>
    private static void WriteRow(ArrayBufferWriter<byte> buffer, IReadOnlyDictionary<string, JsonElement> row, string[] columns)
    {
        Put(buffer, "["u8);
        for (var c = 0; c < columns.Length; c++)
        {
            if (c > 0)
            {
                Put(buffer, ","u8);
            }

            if (row.TryGetValue(columns[c], out var value) && value.ValueKind != JsonValueKind.Undefined)
            {
                Put(buffer, JsonMarshal.GetRawUtf8Value(value));
            }
            else
            {
                Put(buffer, "null"u8);
            }
        }

        Put(buffer, "]"u8);
    }

    private static void WriteOutputs(Utf8JsonWriter writer, IReadOnlyList<ModelPrediction> predictions, JsonEncodedText[]? classes)
    {
        writer.Reset();
        writer.WriteStartArray();
        foreach (var p in predictions)
        {
            if (p.Label is null)
            {
                Number(writer, p.Value);
                continue;
            }

            writer.WriteStartObject();
            writer.WriteString("predicted_label", p.Label);
            writer.WritePropertyName("probability");
            Number(writer, p.Probability);
            if (classes is not null && p.Probabilities is { } all)
            {
                writer.WriteStartObject("probabilities");
                for (var c = 0; c < all.Length && c < classes.Length; c++)
                {
                    writer.WritePropertyName(classes[c]);
                    Number(writer, all[c]);
                }

                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        writer.WriteEndArray();
        writer.Flush();
    }

    /// <summary>JSON has no NaN or infinity: those are written as null.</summary>
    private static void Number(Utf8JsonWriter writer, double? value)
    {
        if (value is { } v && double.IsFinite(v))
        {
            writer.WriteNumberValue(v);
        }
        else
        {
            writer.WriteNullValue();
        }
    }

    private static void Put(ArrayBufferWriter<byte> buffer, ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(buffer.GetSpan(bytes.Length));
        buffer.Advance(bytes.Length);
    }

    /// <summary>A thread's scratch: the record buffer, a JSON writer over it, and a row buffer for hashing.</summary>
    private sealed class Scratch
    {
        public Scratch() => Writer = new Utf8JsonWriter(Buffer, new JsonWriterOptions { SkipValidation = true });

        public ArrayBufferWriter<byte> Buffer { get; } = new(4096);

        public ArrayBufferWriter<byte> Row { get; } = new(256);

        public Utf8JsonWriter Writer { get; }
    }
}
