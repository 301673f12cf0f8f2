using System.Globalization;
using System.Text.Json;

namespace Keel.Server.Serving;

/// <summary>
/// Open Inference Protocol tensor checks beyond the shape's value count: data nested the way the
/// shape says (or flat), and numbers inside their datatype's range (an INT8 of 1000 or a UINT64
/// of -1 is refused, not wrapped or widened). Non-numbers are left to the signature check.
/// </summary>
internal static class OpenInferenceValues
{
    /// <summary>Why <paramref name="data"/>'s nesting does not fit <paramref name="shape"/>, or null: flat, or [n, k] as n arrays of k values.</summary>
    public static string? NestingProblem(JsonElement data, long[] shape)
    {
        var nested = false;
        foreach (var item in data.EnumerateArray())
        {
            if (item.ValueKind == JsonValueKind.Array)
            {
                nested = true;
                break;
            }
        }

        if (!nested)
        {
            return null;
        }

        if (shape.Length != 2 || data.GetArrayLength() != shape[0])
        {
            return $"data is nested deeper than shape [{string.Join(", ", shape)}] allows (send it flat, or as {shape[0]} arrays for a 2-D shape)";
        }

        var r = 0;
        foreach (var item in data.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Array || item.GetArrayLength() != shape[1])
            {
                return $"data[{r}] must be an array of {shape[1]} values for shape [{shape[0]}, {shape[1]}]";
            }

            foreach (var value in item.EnumerateArray())
            {
                if (value.ValueKind == JsonValueKind.Array)
                {
                    return $"data[{r}] is nested deeper than shape [{shape[0]}, {shape[1]}] allows";
                }
            }

            r++;
        }

        return null;
    }

    /// <summary>The first number in <paramref name="values"/> outside <paramref name="datatype"/>'s range, described, or null.</summary>
    public static string? RangeProblem(List<JsonElement> values, string datatype)
    {
        for (var i = 0; i < values.Count; i++)
        {
            var value = values[i];
            if (value.ValueKind == JsonValueKind.Number && !Fits(value, datatype, out var range))
            {
                return $"value {Shown(value)} at data index {i} is outside {datatype} ({range})";
            }
        }

        return null;
    }

    private static bool Fits(JsonElement value, string datatype, out string range)
    {
        switch (datatype)
        {
            case "INT8": return Integer(value, sbyte.MinValue, sbyte.MaxValue, out range);
            case "INT16": return Integer(value, short.MinValue, short.MaxValue, out range);
            case "INT32": return Integer(value, int.MinValue, int.MaxValue, out range);
            case "INT64": return Integer(value, long.MinValue, long.MaxValue, out range);
            case "UINT8": return Integer(value, byte.MinValue, byte.MaxValue, out range);
            case "UINT16": return Integer(value, ushort.MinValue, ushort.MaxValue, out range);
            case "UINT32": return Integer(value, uint.MinValue, uint.MaxValue, out range);
            case "UINT64":
                range = $"an integer from 0 to {ulong.MaxValue}";
                return value.TryGetUInt64(out _);
            case "FP16": return Float(value, (double)Half.MaxValue, out range);
            case "FP32": return Float(value, float.MaxValue, out range);
            case "FP64": return Float(value, double.MaxValue, out range);
            default:
                range = string.Empty;
                return true;
        }
    }

    private static bool Integer(JsonElement value, long min, long max, out string range)
    {
        range = $"an integer from {min} to {max}";
        return value.TryGetInt64(out var v) && v >= min && v <= max;
    }

    private static bool Float(JsonElement value, double max, out string range)
    {
        range = $"a finite number of magnitude at most {max.ToString("G6", CultureInfo.InvariantCulture)}";
        return value.TryGetDouble(out var v) && double.IsFinite(v) && Math.Abs(v) <= max;
    }

    private static string Shown(JsonElement value)
    {
        var text = value.GetRawText();
        return text.Length <= 40 ? text : text[..40] + "...";
    }
}
