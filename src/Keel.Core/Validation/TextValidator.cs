using Keel.Core.Errors;

namespace Keel.Core.Validation;

/// <summary>
/// Rules every stored string meets: valid Unicode (no lone UTF-16 surrogate, which cannot be
/// encoded as UTF-8 and would poison every later read), a length limit, and for names no control
/// characters. Each check throws INVALID_PARAMETER_VALUE naming the field.
/// </summary>
public static class TextValidator
{
    /// <summary>The index of the first lone surrogate in <paramref name="text"/>, or -1 when it is well-formed UTF-16.</summary>
    public static int IndexOfLoneSurrogate(ReadOnlySpan<char> text)
    {
        var start = 0;
        while (true)
        {
            var i = text[start..].IndexOfAnyInRange('\uD800', '\uDFFF');
            if (i < 0)
            {
                return -1;
            }

            i += start;
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                start = i + 2;
                continue;
            }

            return i;
        }
    }

    /// <summary>Whether <paramref name="text"/> is well-formed UTF-16 (every surrogate paired).</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> text) => IndexOfLoneSurrogate(text) < 0;

    /// <summary>Refuses a lone surrogate in <paramref name="value"/> (null passes).</summary>
    /// <returns><paramref name="value"/>.</returns>
    public static string? Unicode(string? value, string field)
    {
        if (value is not null && IndexOfLoneSurrogate(value) is var i and >= 0)
        {
            throw NotUnicode(field, $"a lone surrogate U+{(int)value[i]:X4} at character {i}");
        }

        return value;
    }

    /// <summary>Refuses a lone surrogate, or more than <paramref name="max"/> characters, in <paramref name="value"/> (null passes).</summary>
    /// <param name="value">The text.</param>
    /// <param name="field">The field's wire name, e.g. <c>description</c>.</param>
    /// <param name="max">The limit.</param>
    /// <param name="setting">Where the limit is configured, named in the message (e.g. <c>Keel:Limits:MaxDescriptionLength</c>), or null for a fixed limit.</param>
    /// <returns><paramref name="value"/>.</returns>
    public static string? Text(string? value, string field, int max, string? setting = null)
    {
        Unicode(value, field);
        if (value is not null && value.Length > max)
        {
            var where = setting is null ? string.Empty : $" (setting {setting})";
            throw KeelException.InvalidParameter($"'{field}' had length {value.Length}, which exceeded length limit of {max}{where}.");
        }

        return value;
    }

    /// <summary>As <see cref="Text"/>, and also refuses control characters (NUL, CR, LF, ...): for names and ids shown on one line.</summary>
    /// <returns><paramref name="value"/>.</returns>
    public static string? SingleLine(string? value, string field, int max, string? setting = null)
    {
        Text(value, field, max, setting);
        if (value is not null && value.AsSpan().IndexOfAnyInRange('\u0000', '\u001F') is var i and >= 0)
        {
            throw KeelException.InvalidParameter($"'{field}' must not contain control characters; found U+{(int)value[i]:X4} at character {i}.");
        }

        if (value is not null && value.AsSpan().IndexOfAnyInRange('\u007F', '\u009F') is var j and >= 0)
        {
            throw KeelException.InvalidParameter($"'{field}' must not contain control characters; found U+{(int)value[j]:X4} at character {j}.");
        }

        return value;
    }

    /// <summary>The error for text that is not valid Unicode.</summary>
    public static KeelException NotUnicode(string field, string what) =>
        KeelException.InvalidParameter($"'{field}' is not valid Unicode text: it holds {what}. Send UTF-8 without lone surrogates (\\ud800-\\udfff escapes must come in pairs).");
}
