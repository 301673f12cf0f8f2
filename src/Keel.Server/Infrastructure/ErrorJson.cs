using System.Text;
using System.Text.Json;
using Keel.Core.Json;
using Keel.Core.Protocol;

namespace Keel.Server.Infrastructure;

/// <summary>
/// Writes error bodies with <c>&lt;</c>, <c>&gt;</c> and <c>&amp;</c> escaped (<c>\u003C</c>, <c>\u003E</c>,
/// <c>\u0026</c>). An error message often quotes what the request sent (a name, an id, a path);
/// escaped, it cannot read as markup to anything that mistakes the body for HTML. Outside strings
/// JSON has none of these characters, so the escaped text is the same JSON value. Success bodies keep
/// <see cref="KeelJson.Options"/>.
/// </summary>
internal static class ErrorJson
{
    /// <summary>The error body for <paramref name="code"/> and <paramref name="message"/>, as UTF-8.</summary>
    public static byte[] Body(string code, string message)
    {
        var json = JsonSerializer.Serialize(new ErrorResponse(code, message), KeelJson.Options);
        return Encoding.UTF8.GetBytes(HtmlSafe(json));
    }

    /// <summary>JSON text with <c>&lt; &gt; &amp;</c> written as escapes.</summary>
    public static string HtmlSafe(string json) => json.AsSpan().IndexOfAny('<', '>', '&') < 0
        ? json
        : json.Replace("<", "\\u003C", StringComparison.Ordinal).Replace(">", "\\u003E", StringComparison.Ordinal).Replace("&", "\\u0026", StringComparison.Ordinal);
}
