using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;
using System.Text.Unicode;
using Keel.Core.Validation;

namespace Keel.Core.Json;

/// <summary>
/// Unicode safety for JSON that Keel reads as a document (<see cref="JsonDocument"/>) rather than
/// deserializes. System.Text.Json parses invalid UTF-8 and unpaired <c>\ud800</c> escapes into a
/// document without complaint and only throws (InvalidOperationException) when a string is read,
/// so a request must be checked once on arrival, and stored JSON is repaired before it is sent.
/// </summary>
public static class JsonText
{
    /// <summary>
    /// Throws INVALID_PARAMETER_VALUE naming the first string value or property name in
    /// <paramref name="element"/> that is not valid Unicode (invalid UTF-8 bytes or a lone surrogate
    /// escape), e.g. <c>'dataframe_split.data[3][1]' is not valid Unicode text</c>.
    /// </summary>
    /// <param name="element">The parsed request.</param>
    /// <param name="root">How the element is named in the message (empty for a whole body).</param>
    public static void CheckStrings(JsonElement element, string root = "")
    {
        // Fast path over the element's raw UTF-8 (vectorized, no allocation): valid UTF-8 and no
        // \uD800-\uDFFF escape at all. Only a request that fails it is walked to name the field.
        if (!MayHoldInvalidText(JsonMarshal.GetRawUtf8Value(element)))
        {
            return;
        }

        // A surrogate escape may still be part of a valid pair (or be text such as "\\ud800").
        if (FindInvalid(element, root) is { } path)
        {
            throw TextValidator.NotUnicode(path, "invalid UTF-8 or a lone surrogate escape");
        }
    }

    /// <summary>
    /// Replaces every lone surrogate in JSON text, escaped (<c>\ud800</c> without its pair) or raw,
    /// with U+FFFD, leaving everything else as it is. For JSON stored before requests were checked.
    /// </summary>
    public static string ReplaceLoneSurrogates(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.AsSpan().IndexOfAnyInRange('\uD800', '\uDFFF') < 0 && !json.Contains("\\u", StringComparison.Ordinal))
        {
            return json;
        }

        StringBuilder? output = null;
        var copied = 0;
        for (var i = 0; i < json.Length; i++)
        {
            var c = json[i];
            if (char.IsSurrogate(c))
            {
                if (char.IsHighSurrogate(c) && i + 1 < json.Length && char.IsLowSurrogate(json[i + 1]))
                {
                    i++;
                    continue;
                }

                Replace(i, 1, "\uFFFD");
                continue;
            }

            if (c != '\\' || i + 1 >= json.Length)
            {
                continue;
            }

            if (json[i + 1] != 'u' || Escaped(json, i) is not { } unit)
            {
                i++; // Another escape (\", \\, \n ...): skip its second character.
                continue;
            }

            if (char.IsHighSurrogate(unit) && Escaped(json, i + 6) is { } low && char.IsLowSurrogate(low))
            {
                i += 11;
            }
            else if (char.IsSurrogate(unit))
            {
                Replace(i, 6, "\\ufffd");
                i += 5;
            }
            else
            {
                i += 5;
            }
        }

        if (output is null)
        {
            return json;
        }

        output.Append(json, copied, json.Length - copied);
        return output.ToString();

        void Replace(int at, int length, string with)
        {
            output ??= new StringBuilder(json.Length);
            output.Append(json, copied, at - copied).Append(with);
            copied = at + length;
        }
    }

    // The UTF-16 unit of a \uXXXX escape at json[at], or null when there is none there.
    private static char? Escaped(string json, int at)
    {
        if (at + 6 > json.Length || json[at] != '\\' || json[at + 1] != 'u')
        {
            return null;
        }

        return ushort.TryParse(json.AsSpan(at + 2, 4), System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var unit)
            ? (char)unit
            : null;
    }

    private static bool MayHoldInvalidText(ReadOnlySpan<byte> raw)
    {
        if (!Utf8.IsValid(raw))
        {
            return true;
        }

        var at = raw.IndexOf("\\u"u8);
        while (at >= 0)
        {
            var rest = raw[(at + 2)..];
            if (rest.Length >= 2 && (rest[0] | 0x20) == 'd' && rest[1] is (>= (byte)'8' and <= (byte)'9') or (>= (byte)'a' and <= (byte)'f') or (>= (byte)'A' and <= (byte)'F'))
            {
                return true;
            }

            var next = rest.IndexOf("\\u"u8);
            at = next < 0 ? -1 : at + 2 + next;
        }

        return false;
    }

    private static bool IsValidString(JsonElement element)
    {
        var raw = JsonMarshal.GetRawUtf8Value(element);
        if (!Utf8.IsValid(raw))
        {
            return false;
        }

        if (raw.IndexOf((byte)'\\') < 0)
        {
            return true;
        }

        try
        {
            _ = element.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static bool IsValidName(JsonProperty property)
    {
        var raw = JsonMarshal.GetRawUtf8PropertyName(property);
        if (!Utf8.IsValid(raw))
        {
            return false;
        }

        if (raw.IndexOf((byte)'\\') < 0)
        {
            return true;
        }

        try
        {
            _ = property.Name;
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    // The slow path, taken once a problem is known to exist: find where it is.
    private static string? FindInvalid(JsonElement element, string path)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.String:
                return IsValidString(element) ? null : Shown(path);
            case JsonValueKind.Array:
                var i = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (FindInvalid(item, $"{path}[{i++}]") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            case JsonValueKind.Object:
                foreach (var property in element.EnumerateObject())
                {
                    if (!IsValidName(property))
                    {
                        return Shown(path.Length == 0 ? "property name" : path + " property name");
                    }

                    var name = property.Name;
                    if (FindInvalid(property.Value, path.Length == 0 ? name : $"{path}.{name}") is { } found)
                    {
                        return found;
                    }
                }

                return null;
            default:
                return null;
        }
    }

    private static string Shown(string path) => path.Length == 0 ? "(body)" : path.Length > 200 ? path[..200] + "..." : path;
}
