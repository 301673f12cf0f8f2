using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Tracking;
using Keel.Server.Infrastructure;

namespace Keel.Server.Auth;

/// <summary>
/// The request as rules see it: query fields, the JSON body's top-level fields (read once and put
/// back for the handler), route values, and the stores to resolve a run to its experiment.
/// </summary>
internal sealed class AuthRequest(HttpContext context)
{
    private JsonElement? _body;

    public HttpContext Context => context;

    public ITrackingStore Tracking => context.RequestServices.GetRequiredService<ITrackingStore>();

    /// <summary>A field from the query (GET, DELETE without body) or the JSON body.</summary>
    public async ValueTask<string?> FieldAsync(string name)
    {
        if (context.Request.Query.TryGetValue(name, out var values) && values.Count > 0)
        {
            return values[0];
        }

        var body = await BodyAsync().ConfigureAwait(false);
        return body is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var p) ? Text(p) : null;
    }

    /// <summary>Every string in a JSON array field (e.g. <c>experiment_ids</c>), or the query's repeated values.</summary>
    public async ValueTask<IReadOnlyList<string>> ListAsync(string name)
    {
        if (context.Request.Query.TryGetValue(name, out var values) && values.Count > 0)
        {
            return values.Where(v => v is not null).Select(v => v!).ToArray();
        }

        var body = await BodyAsync().ConfigureAwait(false);
        if (body is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(name, out var p) && p.ValueKind == JsonValueKind.Array)
        {
            return p.EnumerateArray().Select(Text).Where(t => t is not null).Select(t => t!).ToArray();
        }

        return [];
    }

    /// <summary>A string field of an object field of the JSON body (e.g. <c>spec.name</c>).</summary>
    public async ValueTask<string?> NestedFieldAsync(string parent, string name)
    {
        var body = await BodyAsync().ConfigureAwait(false);
        return body is { ValueKind: JsonValueKind.Object } o && o.TryGetProperty(parent, out var p) && p.ValueKind == JsonValueKind.Object && p.TryGetProperty(name, out var v)
            ? Text(v)
            : null;
    }

    /// <summary>A route value (e.g. the artifact <c>path</c>).</summary>
    public string? Route(string name) => context.Request.RouteValues.TryGetValue(name, out var v) ? v?.ToString() : null;

    /// <summary>A required field.</summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when missing.</exception>
    public async ValueTask<string> RequiredAsync(string name) =>
        await FieldAsync(name).ConfigureAwait(false) is { Length: > 0 } value
            ? value
            : throw KeelException.InvalidParameter($"Missing value for required parameter '{name}'.");

    /// <summary>Reads the body now (it stays readable for the handler).</summary>
    public async ValueTask PrimeAsync() => await BodyAsync().ConfigureAwait(false);

    private async ValueTask<JsonElement?> BodyAsync()
    {
        if (_body is not null)
        {
            return _body;
        }

        var request = context.Request;
        if (request.ContentLength is null or 0 && request.Headers.TransferEncoding.Count == 0)
        {
            _body = default(JsonElement);
            return _body;
        }

        var bytes = await request.ReadAllAsync().ConfigureAwait(false);
        request.Body = new MemoryStream(bytes.ToArray(), writable: false);
        if (request.ContentLength is null)
        {
            request.ContentLength = bytes.Length;
        }

        try
        {
            using var doc = JsonDocument.Parse(bytes);
            _body = doc.RootElement.Clone();
        }
        catch (JsonException)
        {
            // The handler reports the malformed body; for the rule, it names nothing.
            _body = default(JsonElement);
        }

        return _body;
    }

    private static string? Text(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.String => e.GetString(),
        JsonValueKind.Number => e.GetRawText(),
        _ => null,
    };
}
