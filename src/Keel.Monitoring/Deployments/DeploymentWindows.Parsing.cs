using System.Text.Json;
using Keel.Core.Deployments;

namespace Keel.Monitoring.Deployments;

// Reading the prediction log's JSON on the request path: Utf8JsonReader over the bytes, no
// document, labels interned, only the sampled rows copied.
public sealed partial class DeploymentWindows
{
    private const int StackLabelChars = 128;

    /// <summary>
    /// Reads up to <c>into.Length</c> predictions from the outputs array: a number (regression) or
    /// <c>{"predicted_label", "probability"}</c>; anything else sets <paramref name="malformed"/>.
    /// </summary>
    private int ParseOutputs(ReadOnlySpan<byte> outputs, Span<PredictionEntry> into, long timestampMs, string version, out bool malformed)
    {
        malformed = false;
        var reader = new Utf8JsonReader(outputs);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            malformed = true;
            return 0;
        }

        int n = 0;
        while (n < into.Length && reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            switch (reader.TokenType)
            {
                case JsonTokenType.Number:
                    into[n++] = new PredictionEntry(timestampMs, version, reader.GetDouble(), LabelTable.None);
                    break;
                case JsonTokenType.Null:
                    into[n++] = new PredictionEntry(timestampMs, version, double.NaN, LabelTable.None);
                    break;
                case JsonTokenType.StartObject:
                    into[n++] = ReadClassification(ref reader, timestampMs, version);
                    break;
                default:
                    malformed = true;
                    return n;
            }
        }

        return n;
    }

    private PredictionEntry ReadClassification(ref Utf8JsonReader reader, long timestampMs, string version)
    {
        double score = double.NaN;
        int label = LabelTable.None;
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (reader.ValueTextEquals("predicted_label"u8))
            {
                reader.Read();
                label = reader.TokenType switch
                {
                    JsonTokenType.String => InternString(ref reader),
                    JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False => InternRaw(reader.ValueSpan),
                    _ => LabelTable.None,
                };
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray)
                {
                    reader.Skip();
                }
            }
            else if (reader.ValueTextEquals("probability"u8))
            {
                reader.Read();
                if (reader.TokenType == JsonTokenType.Number)
                {
                    score = reader.GetDouble();
                }
                else
                {
                    reader.Skip();
                }
            }
            else
            {
                reader.Read();
                reader.Skip();
            }
        }

        return new PredictionEntry(timestampMs, version, score, label);
    }

    private int InternString(ref Utf8JsonReader reader)
    {
        int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
        if (length > StackLabelChars)
        {
            return _labels.Id(reader.GetString());
        }

        Span<char> chars = stackalloc char[StackLabelChars];
        int written = reader.CopyString(chars);
        return _labels.Id(chars[..written]);
    }

    private int InternRaw(ReadOnlySpan<byte> utf8)
    {
        if (utf8.Length > StackLabelChars)
        {
            return _labels.Id(System.Text.Encoding.UTF8.GetString(utf8));
        }

        Span<char> chars = stackalloc char[StackLabelChars];
        int written = System.Text.Encoding.UTF8.GetChars(utf8, chars);
        return _labels.Id(chars[..written]);
    }

    /// <summary>Copies the first rows of the inputs array (each a JSON array of values).</summary>
    private static WindowInputRow[] SampleRows(in DeploymentObservation observation, int max, ref bool malformed)
    {
        var bytes = observation.InputsUtf8.Span;
        var reader = new Utf8JsonReader(bytes);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            malformed = true;
            return [];
        }

        int count = Math.Min(max, Math.Max(observation.RowCount, 0));
        if (count == 0)
        {
            return [];
        }

        var rows = new WindowInputRow[count];
        int n = 0;
        while (n < count && reader.Read() && reader.TokenType == JsonTokenType.StartArray)
        {
            int start = (int)reader.TokenStartIndex;
            reader.Skip();
            int end = (int)reader.BytesConsumed;
            rows[n++] = new WindowInputRow(observation.TimestampMs, observation.Version, observation.InputColumns, bytes[start..end].ToArray());
        }

        if (n < count)
        {
            malformed |= n == 0;
            Array.Resize(ref rows, n);
        }

        return rows;
    }
}
