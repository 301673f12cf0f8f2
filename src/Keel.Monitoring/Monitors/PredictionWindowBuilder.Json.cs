using System.Text;
using System.Text.Json;
using Keel.Data;

namespace Keel.Monitoring.Monitors;

public sealed partial class PredictionWindowBuilder
{
    /// <summary>Reads <c>[[v, ...], ...]</c>; false (nothing added) when the rows are not arrays (inputs logged as hashes) or absent.</summary>
    private bool ReadInputs(ReadOnlySpan<byte> json, int[] map)
    {
        if (json.IsEmpty)
        {
            return false;
        }

        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("inputs: expected an array of rows");
        }

        var start = _parsedRows;
        var rows = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                // Hash mode logs one string per row: no values to monitor.
                reader.Skip();
                Truncate(start, PredictionRows);
                SkipRest(ref reader);
                return false;
            }

            var column = 0;
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var target = column < map.Length ? map[column] : -1;
                column++;
                if (target < 0)
                {
                    reader.Skip();
                    continue;
                }

                if (_numbers[target] is { } numbers)
                {
                    numbers.PadTo(start + rows);
                    numbers.Add(Number(ref reader));
                }
                else
                {
                    var labels = _labels[target]!;
                    labels.PadTo(start + rows);
                    labels.Add(Label(ref reader));
                }
            }

            rows++;
            PadInputs(start + rows);
        }

        _parsedRows = start + rows;
        return rows > 0;
    }

    /// <summary>Reads <c>[number, ...]</c> (regression) or <c>[{"predicted_label", "probability"}, ...]</c>.</summary>
    private void ReadOutputs(ReadOnlySpan<byte> json)
    {
        if (json.IsEmpty)
        {
            return;
        }

        var reader = new Utf8JsonReader(json);
        if (!reader.Read() || reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("outputs: expected an array");
        }

        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (_regression)
            {
                _predictedValues.Add(Number(ref reader));
                continue;
            }

            string? label = null;
            var probability = double.NaN;
            if (reader.TokenType == JsonTokenType.StartObject)
            {
                while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (reader.ValueTextEquals("predicted_label"u8))
                    {
                        reader.Read();
                        label = Label(ref reader);
                    }
                    else if (reader.ValueTextEquals("probability"u8))
                    {
                        reader.Read();
                        probability = Number(ref reader);
                    }
                    else if (reader.ValueTextEquals("probabilities"u8))
                    {
                        reader.Read();
                        ReadClassProbabilities(ref reader, _predictedLabels.Count);
                    }
                    else
                    {
                        reader.Read();
                        reader.Skip();
                    }
                }
            }
            else
            {
                reader.Skip();
            }

            _predictedLabels.Add(label);
            _probabilities.Add(probability);
        }
    }

    private void PadInputs(int rows)
    {
        for (var c = 0; c < _inputs.Length; c++)
        {
            _numbers[c]?.PadTo(rows);
            _labels[c]?.PadTo(rows);
        }
    }

    private static double Number(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Number:
                return reader.TryGetDouble(out var value) && double.IsFinite(value) ? value : double.NaN;
            case JsonTokenType.String:
                if (reader.HasValueSequence || reader.ValueIsEscaped || reader.ValueSpan.Length > 64)
                {
                    return CellParsing.TryNumber(reader.GetString(), out var parsed) ? parsed : double.NaN;
                }

                Span<char> chars = stackalloc char[64];
                var written = Encoding.UTF8.GetChars(reader.ValueSpan, chars);
                return CellParsing.TryNumber(chars[..written], out var number) ? number : double.NaN;
            case JsonTokenType.StartArray or JsonTokenType.StartObject:
                reader.Skip();
                return double.NaN;
            default:
                return double.NaN;
        }
    }

    private string? Label(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                return reader.ValueIsEscaped || reader.HasValueSequence ? _interner.Get(reader.GetString().AsSpan()) : _interner.Get(reader.ValueSpan);
            case JsonTokenType.Number or JsonTokenType.True or JsonTokenType.False:
                return _interner.Get(reader.ValueSpan);
            case JsonTokenType.StartArray or JsonTokenType.StartObject:
                reader.Skip();
                return null;
            default:
                return null;
        }
    }

    private static void SkipRest(ref Utf8JsonReader reader)
    {
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            reader.Skip();
        }
    }
}
