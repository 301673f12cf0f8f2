using System.Buffers.Text;
using System.Globalization;
using System.Text;
using Keel.Core.Errors;

namespace Keel.Core.Paging;

/// <summary>
/// Opaque page tokens: base64url of <c>"o:&lt;offset&gt;"</c> or of a keyset cursor. Clients never look
/// inside; a token that does not decode is INVALID_PARAMETER_VALUE.
/// </summary>
public static class PageToken
{
    /// <summary>Encodes an offset token.</summary>
    public static string FromOffset(long offset) => Encode("o:" + offset.ToString(CultureInfo.InvariantCulture));

    /// <summary>Decodes an offset token; null or empty means offset 0.</summary>
    public static long ToOffset(string? token)
    {
        if (string.IsNullOrEmpty(token))
        {
            return 0;
        }

        var text = Decode(token);
        if (!text.StartsWith("o:", StringComparison.Ordinal)
            || !long.TryParse(text.AsSpan(2), NumberStyles.None, CultureInfo.InvariantCulture, out var offset))
        {
            throw Invalid(token);
        }

        return offset;
    }

    /// <summary>Encodes a keyset cursor made of several parts.</summary>
    public static string FromCursor(params long[] parts) =>
        Encode("k:" + string.Join(',', parts.Select(p => p.ToString(CultureInfo.InvariantCulture))));

    /// <summary>Decodes a keyset cursor with exactly <paramref name="count"/> parts; null when no token.</summary>
    public static long[]? ToCursor(string? token, int count)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }

        var text = Decode(token);
        if (!text.StartsWith("k:", StringComparison.Ordinal))
        {
            throw Invalid(token);
        }

        var pieces = text[2..].Split(',');
        if (pieces.Length != count)
        {
            throw Invalid(token);
        }

        var result = new long[count];
        for (var i = 0; i < count; i++)
        {
            if (!long.TryParse(pieces[i], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out result[i]))
            {
                throw Invalid(token);
            }
        }

        return result;
    }

    private static string Encode(string text) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(text));

    private static string Decode(string token)
    {
        try
        {
            return Encoding.UTF8.GetString(Base64Url.DecodeFromChars(token));
        }
        catch (FormatException)
        {
            throw Invalid(token);
        }
    }

    private static KeelException Invalid(string token) =>
        KeelException.InvalidParameter($"Invalid page token '{Truncate(token)}'. Pass the next_page_token of a previous response unchanged.");

    private static string Truncate(string s) => s.Length <= 64 ? s : s[..64] + "...";
}
