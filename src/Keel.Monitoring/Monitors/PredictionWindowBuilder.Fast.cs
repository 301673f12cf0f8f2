using System.Buffers;
using System.Text;
using Keel.Data;

namespace Keel.Monitoring.Monitors;

// The fast path: the prediction log writes compact JSON (no whitespace, strings without escapes in
// the common case), so a request is scanned straight from its bytes: numbers parsed with
// fast_float (csFastFloat, correctly rounded like Utf8JsonReader.TryGetDouble), labels interned
// from their bytes. Anything the scanner does not expect (escapes, control characters, invalid
// UTF-8, nested values, hash-mode rows, odd whitespace is fine) makes it give up, undo what it added
// and leave the request to the Utf8JsonReader path, which decides what is valid and what is
// malformed. So both paths give the same columns for every input.
public sealed partial class PredictionWindowBuilder
{
    /// <summary>Bytes that end (or spoil) a string on the fast path: the closing quote, a backslash, control characters.</summary>
    private static readonly SearchValues<byte> StringStops = SearchValues.Create([(byte)'"', (byte)'\\', .. Enumerable.Range(0, 0x20).Select(b => (byte)b)]);

    /// <summary>Scans <c>[[v, ...], ...]</c>; null (nothing added) when it gave up, else whether any row was read.</summary>
    private bool? TryReadInputsFast(ReadOnlySpan<byte> json, int[] map)
    {
        var start = _parsedRows;
        var pos = 0;
        if (!Expect(json, ref pos, (byte)'['))
        {
            return null;
        }

        var rows = 0;
        if (!Peek(json, ref pos, (byte)']'))
        {
            while (true)
            {
                if (!Expect(json, ref pos, (byte)'['))
                {
                    return GiveUp(start);
                }

                var column = 0;
                if (!Peek(json, ref pos, (byte)']'))
                {
                    while (true)
                    {
                        var target = column < map.Length ? map[column] : -1;
                        column++;
                        if (!Value(json, ref pos, target, start + rows))
                        {
                            return GiveUp(start);
                        }

                        if (Peek(json, ref pos, (byte)','))
                        {
                            continue;
                        }

                        if (Peek(json, ref pos, (byte)']'))
                        {
                            break;
                        }

                        return GiveUp(start);
                    }
                }

                rows++;
                PadInputs(start + rows);
                if (Peek(json, ref pos, (byte)','))
                {
                    continue;
                }

                if (Peek(json, ref pos, (byte)']'))
                {
                    break;
                }

                return GiveUp(start);
            }
        }

        SkipWhitespace(json, ref pos);
        if (pos != json.Length)
        {
            return GiveUp(start);
        }

        _parsedRows = start + rows;
        return rows > 0;
    }

    /// <summary>Scans <c>[number, ...]</c> (regression) or <c>[{"predicted_label": l, "probability": p}, ...]</c>; false (nothing added) when it gave up.</summary>
    private bool TryReadOutputsFast(ReadOnlySpan<byte> json)
    {
        var start = PredictionRows;
        var pos = 0;
        if (!Expect(json, ref pos, (byte)'['))
        {
            return false;
        }

        if (!Peek(json, ref pos, (byte)']'))
        {
            while (true)
            {
                if (!(_regression ? RegressionOutput(json, ref pos) : ClassifierOutput(json, ref pos)))
                {
                    return TruncateOutputs(start);
                }

                if (Peek(json, ref pos, (byte)','))
                {
                    continue;
                }

                if (Peek(json, ref pos, (byte)']'))
                {
                    break;
                }

                return TruncateOutputs(start);
            }
        }

        SkipWhitespace(json, ref pos);
        return pos == json.Length || TruncateOutputs(start);
    }

    private bool RegressionOutput(ReadOnlySpan<byte> json, ref int pos)
    {
        SkipWhitespace(json, ref pos);
        if (pos < json.Length && json[pos] == (byte)'n' && Literal(json, ref pos, "null"u8))
        {
            _predictedValues.Add(double.NaN);
            return true;
        }

        if (!NumberToken(json, ref pos, out var token))
        {
            return false;
        }

        _predictedValues.Add(ParseNumber(token));
        return true;
    }

    private bool ClassifierOutput(ReadOnlySpan<byte> json, ref int pos)
    {
        if (!Expect(json, ref pos, (byte)'{'))
        {
            return false;
        }

        string? label = null;
        var probability = double.NaN;
        if (!Peek(json, ref pos, (byte)'}'))
        {
            while (true)
            {
                SkipWhitespace(json, ref pos);
                if (!StringToken(json, ref pos, out var key) || !Expect(json, ref pos, (byte)':'))
                {
                    return false;
                }

                SkipWhitespace(json, ref pos);
                if (key.SequenceEqual("predicted_label"u8))
                {
                    if (!LabelValue(json, ref pos, out label))
                    {
                        return false;
                    }
                }
                else if (key.SequenceEqual("probability"u8))
                {
                    if (!NumberValue(json, ref pos, out probability))
                    {
                        return false;
                    }
                }
                else
                {
                    return false; // other members: the reader path skips them
                }

                if (Peek(json, ref pos, (byte)','))
                {
                    continue;
                }

                if (Peek(json, ref pos, (byte)'}'))
                {
                    break;
                }

                return false;
            }
        }

        _predictedLabels.Add(label);
        _probabilities.Add(probability);
        return true;
    }

    /// <summary>One input value into column <paramref name="target"/> (-1: skipped) at row <paramref name="row"/>.</summary>
    private bool Value(ReadOnlySpan<byte> json, ref int pos, int target, int row)
    {
        SkipWhitespace(json, ref pos);
        if (target < 0)
        {
            return SkipValue(json, ref pos);
        }

        if (_numbers[target] is { } numbers)
        {
            if (!NumberValue(json, ref pos, out var number))
            {
                return false;
            }

            numbers.PadTo(row);
            numbers.Add(number);
            return true;
        }

        if (!LabelValue(json, ref pos, out var label))
        {
            return false;
        }

        var labels = _labels[target]!;
        labels.PadTo(row);
        labels.Add(label);
        return true;
    }

    /// <summary>A value of a numeric column, as the reader path reads it: numbers, numeric strings; anything else missing.</summary>
    private static bool NumberValue(ReadOnlySpan<byte> json, ref int pos, out double value)
    {
        value = double.NaN;
        if (pos >= json.Length)
        {
            return false;
        }

        switch (json[pos])
        {
            case (byte)'"':
                if (!StringToken(json, ref pos, out var text))
                {
                    return false;
                }

                if (text.Length <= 64)
                {
                    Span<char> chars = stackalloc char[64];
                    var written = Encoding.UTF8.GetChars(text, chars);
                    value = CellParsing.TryNumber(chars[..written], out var parsed) ? parsed : double.NaN;
                    return true;
                }

                value = CellParsing.TryNumber(Encoding.UTF8.GetString(text), out var longer) ? longer : double.NaN;
                return true;
            case (byte)'t':
                return Literal(json, ref pos, "true"u8);
            case (byte)'f':
                return Literal(json, ref pos, "false"u8);
            case (byte)'n':
                return Literal(json, ref pos, "null"u8);
            default:
                if (!NumberToken(json, ref pos, out var token))
                {
                    return false;
                }

                value = ParseNumber(token);
                return true;
        }
    }

    /// <summary>A value of a label column, as the reader path reads it: strings, and numbers and booleans as their JSON text.</summary>
    private bool LabelValue(ReadOnlySpan<byte> json, ref int pos, out string? label)
    {
        label = null;
        if (pos >= json.Length)
        {
            return false;
        }

        ReadOnlySpan<byte> token;
        switch (json[pos])
        {
            case (byte)'"':
                if (!StringToken(json, ref pos, out token))
                {
                    return false;
                }

                break;
            case (byte)'t':
                token = "true"u8;
                if (!Literal(json, ref pos, token))
                {
                    return false;
                }

                break;
            case (byte)'f':
                token = "false"u8;
                if (!Literal(json, ref pos, token))
                {
                    return false;
                }

                break;
            case (byte)'n':
                return Literal(json, ref pos, "null"u8);
            default:
                if (!NumberToken(json, ref pos, out token))
                {
                    return false;
                }

                break;
        }

        label = _interner.Get(token);
        return true;
    }

    private static bool SkipValue(ReadOnlySpan<byte> json, ref int pos)
    {
        if (pos >= json.Length)
        {
            return false;
        }

        return json[pos] switch
        {
            (byte)'"' => StringToken(json, ref pos, out _),
            (byte)'t' => Literal(json, ref pos, "true"u8),
            (byte)'f' => Literal(json, ref pos, "false"u8),
            (byte)'n' => Literal(json, ref pos, "null"u8),
            _ => NumberToken(json, ref pos, out _),
        };
    }

    /// <summary>A string without escapes or control characters, in valid UTF-8 (its content, quotes excluded).</summary>
    private static bool StringToken(ReadOnlySpan<byte> json, scoped ref int pos, out ReadOnlySpan<byte> text)
    {
        text = default;
        if (pos >= json.Length || json[pos] != (byte)'"')
        {
            return false;
        }

        var rest = json[(pos + 1)..];
        var end = rest.IndexOfAny(StringStops);
        if (end < 0 || rest[end] != (byte)'"')
        {
            return false;
        }

        text = rest[..end];
        if (!System.Text.Ascii.IsValid(text) && !System.Text.Unicode.Utf8.IsValid(text))
        {
            return false;
        }

        pos += end + 2;
        return true;
    }

    /// <summary>A number by JSON's grammar: <c>-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?</c>.</summary>
    private static bool NumberToken(ReadOnlySpan<byte> json, scoped ref int pos, out ReadOnlySpan<byte> token)
    {
        token = default;
        var i = pos;
        if (i < json.Length && json[i] == (byte)'-')
        {
            i++;
        }

        if (i >= json.Length || !char.IsAsciiDigit((char)json[i]))
        {
            return false;
        }

        if (json[i] == (byte)'0')
        {
            i++;
        }
        else
        {
            i = Digits(json, i);
        }

        if (i < json.Length && json[i] == (byte)'.')
        {
            var after = Digits(json, i + 1);
            if (after == i + 1)
            {
                return false;
            }

            i = after;
        }

        if (i < json.Length && (json[i] | 0x20) == (byte)'e')
        {
            i++;
            if (i < json.Length && json[i] is (byte)'+' or (byte)'-')
            {
                i++;
            }

            var after = Digits(json, i);
            if (after == i)
            {
                return false;
            }

            i = after;
        }

        token = json[pos..i];
        pos = i;
        return true;
    }

    private static int Digits(ReadOnlySpan<byte> json, int i)
    {
        while (i < json.Length && char.IsAsciiDigit((char)json[i]))
        {
            i++;
        }

        return i;
    }

    /// <summary>A JSON number token as a double; out of range or not finite: missing (as the reader path).</summary>
    private static double ParseNumber(ReadOnlySpan<byte> token) =>
        csFastFloat.FastDoubleParser.TryParseDouble(token, out var consumed, out var value) && consumed == token.Length && double.IsFinite(value) ? value : double.NaN;

    private static bool Literal(ReadOnlySpan<byte> json, ref int pos, ReadOnlySpan<byte> literal)
    {
        if (!json[pos..].StartsWith(literal))
        {
            return false;
        }

        pos += literal.Length;
        return true;
    }

    private static bool Expect(ReadOnlySpan<byte> json, ref int pos, byte expected)
    {
        SkipWhitespace(json, ref pos);
        if (pos < json.Length && json[pos] == expected)
        {
            pos++;
            return true;
        }

        return false;
    }

    /// <summary>Consumes <paramref name="expected"/> if it comes next (after whitespace).</summary>
    private static bool Peek(ReadOnlySpan<byte> json, ref int pos, byte expected) => Expect(json, ref pos, expected);

    private static void SkipWhitespace(ReadOnlySpan<byte> json, ref int pos)
    {
        while (pos < json.Length && json[pos] is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r')
        {
            pos++;
        }
    }

    private bool? GiveUp(int inputRows)
    {
        Truncate(inputRows, PredictionRows);
        return null;
    }

    private bool TruncateOutputs(int predictionRows)
    {
        TruncatePredictions(predictionRows);
        return false;
    }
}
