using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Validation;

namespace Keel.Server.Infrastructure;

/// <summary>Reads MLflow request bodies and query strings.</summary>
internal static class RequestReading
{
    /// <summary>
    /// Reads a JSON body. Only <c>application/json</c> is accepted: text/plain and form posts are what
    /// a cross-site page can send without a CORS preflight, so they are refused.
    /// </summary>
    public static async Task<T> ReadJsonAsync<T>(this HttpRequest request)
        where T : class
    {
        EnsureJsonContentType(request);
        try
        {
            var bytes = await request.ReadAllAsync().ConfigureAwait(false);
            var body = JsonSerializer.Deserialize<T>(bytes.Span, KeelJson.Options);
            return body ?? throw new KeelException(ErrorCode.BadRequest, "Request body must be a JSON object.");
        }
        catch (JsonException e)
        {
            if (e.InnerException is InvalidOperationException && e.Path is { Length: > 1 } field)
            {
                // System.Text.Json refuses invalid UTF-8 and lone surrogate escapes in strings; say so.
                throw TextValidator.NotUnicode(field.TrimStart('$', '.'), "invalid UTF-8 or a lone surrogate escape");
            }

            var where = e.Path is { Length: > 1 } p ? $" at '{p.TrimStart('$', '.')}'" : string.Empty;
            throw new KeelException(ErrorCode.InvalidParameterValue, $"Invalid JSON in request body{where}: {FirstSentence(e.Message)}");
        }
    }

    public static void EnsureJsonContentType(HttpRequest request)
    {
        var contentType = request.ContentType;
        if (string.IsNullOrEmpty(contentType))
        {
            throw KeelException.InvalidParameter("Bad Request. Content-Type header is missing; use application/json.");
        }

        var mediaType = contentType.Split(';', 2)[0].Trim();
        if (!mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
        {
            throw KeelException.InvalidParameter("Bad Request. Content-Type must be one of ['application/json'].");
        }
    }

    /// <summary>A query-string value, or null.</summary>
    public static string? Query(this HttpRequest request, string name)
    {
        var values = request.Query[name];
        return values.Count == 0 ? null : values[^1];
    }

    /// <summary>Every value of a repeated query parameter (<c>a=1&amp;a=2</c> or <c>a[]=1</c>).</summary>
    public static IReadOnlyList<string> QueryAll(this HttpRequest request, string name)
    {
        var list = new List<string>();
        foreach (var key in new[] { name, name + "[]" })
        {
            foreach (var v in request.Query[key])
            {
                if (v is not null)
                {
                    list.Add(v);
                }
            }
        }

        return list;
    }

    /// <summary>An integer query parameter; INVALID_PARAMETER_VALUE when it does not parse.</summary>
    public static long? QueryLong(this HttpRequest request, string name)
    {
        var text = request.Query(name);
        if (text is null)
        {
            return null;
        }

        return long.TryParse(text, System.Globalization.NumberStyles.AllowLeadingSign, System.Globalization.CultureInfo.InvariantCulture, out var value)
            ? value
            : throw KeelException.InvalidParameter($"Invalid value '{text}' for parameter '{name}': expected an integer.");
    }

    private static string FirstSentence(string message)
    {
        var i = message.IndexOf(". ", StringComparison.Ordinal);
        return i > 0 ? message[..(i + 1)] : message;
    }
}
