using Keel.Core.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace Keel.Server.Infrastructure;

/// <summary>
/// Request-body limits for both hosts: a body over <see cref="HostingOptions.MaxRequestBodyBytes"/>
/// gets 413 REQUEST_TOO_LARGE before it is read, and every body an endpoint reads into memory holds
/// a share of <see cref="RequestBodyBudget"/> until its response is done. Endpoints that stream
/// their body elsewhere (artifact uploads) carry <see cref="StreamedBody"/> and are left alone.
/// </summary>
internal static class RequestBodies
{
    /// <summary>Endpoint metadata: the endpoint streams its body (to the artifact store) and sets its own limit.</summary>
    public static readonly object StreamedBody = new StreamedBodyMarker();

    /// <summary>What a chunked body (no Content-Length; the .NET client's JSON) reserves before its first byte.</summary>
    private const long ChunkedStart = 64 * 1024;

    /// <summary>The error for a body over the limit, naming it and its setting.</summary>
    public static KeelException TooLarge(long limit) => new(
        ErrorCode.RequestTooLarge,
        $"Request body is larger than the limit of {limit} bytes ({HostingOptions.Section}:MaxRequestBodyBytes). Send a smaller body (fewer rows or items per request), or raise the limit on the server.");

    public static IApplicationBuilder UseKeelRequestBodies(this IApplicationBuilder app)
    {
        var options = app.ApplicationServices.GetRequiredService<HostingOptions>();
        var budget = app.ApplicationServices.GetRequiredService<RequestBodyBudget>();
        return app.Use(async (context, next) =>
        {
            var length = context.Request.ContentLength;
            var hasBody = length > 0 || (length is null && context.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody == true);
            if (!hasBody || context.GetEndpoint() is not { } endpoint || endpoint.Metadata.Contains(StreamedBody))
            {
                await next(context).ConfigureAwait(false);
                return;
            }

            if (length > options.MaxRequestBodyBytes)
            {
                // Refused before a byte is read. Kestrel will not drain a body over its limit, so it
                // closes the connection: say so, or the client reuses it for its next request.
                context.Response.OnStarting(CloseConnection, context.Response);
                throw TooLarge(options.MaxRequestBodyBytes);
            }

            // A chunked body starts with a small share and grows it as it is read (ReadAllAsync).
            using var reservation = await budget.ReserveAsync(length ?? Math.Min(ChunkedStart, options.MaxRequestBodyBytes), context.RequestAborted).ConfigureAwait(false);
            context.Features.Set(reservation);
            await next(context).ConfigureAwait(false);
        });
    }

    /// <summary>
    /// Reads the whole body into one array of exactly its size (chunked bodies: grown by doubling),
    /// rather than into buffers rented from the shared array pool, which keeps large arrays per core
    /// long after a burst.
    /// </summary>
    public static async Task<ReadOnlyMemory<byte>> ReadAllAsync(this HttpRequest request)
    {
        var ct = request.HttpContext.RequestAborted;
        var limit = request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? long.MaxValue;
        if (request.ContentLength is { } length)
        {
            if (length > limit)
            {
                throw TooLarge(limit);
            }

            var exact = GC.AllocateUninitializedArray<byte>(checked((int)length));
            var read = 0;
            while (read < exact.Length)
            {
                var n = await request.Body.ReadAsync(exact.AsMemory(read), ct).ConfigureAwait(false);
                if (n == 0)
                {
                    break;
                }

                read += n;
            }

            return exact.AsMemory(0, read);
        }

        // Chunked: grow by doubling, holding the budget for the bytes before reading them. One byte
        // past the limit is room enough to see a body over it (Kestrel then throws 413).
        var reservation = request.HttpContext.Features.Get<RequestBodyBudget.Reservation>();
        var buffer = new byte[16 * 1024];
        var used = 0;
        while (true)
        {
            if (used == buffer.Length)
            {
                var size = (int)Math.Min(Math.Min(Array.MaxLength, limit == long.MaxValue ? long.MaxValue : limit + 1), (long)buffer.Length * 2);
                if (size <= buffer.Length)
                {
                    throw TooLarge(limit);
                }

                if (reservation is not null)
                {
                    await reservation.GrowAsync(size, ct).ConfigureAwait(false);
                }

                Array.Resize(ref buffer, size);
            }

            var n = await request.Body.ReadAsync(buffer.AsMemory(used), ct).ConfigureAwait(false);
            if (n == 0)
            {
                return buffer.AsMemory(0, used);
            }

            used += n;
        }
    }

    private static Task CloseConnection(object state)
    {
        ((HttpResponse)state).Headers.Connection = "close";
        return Task.CompletedTask;
    }

    private sealed class StreamedBodyMarker;
}
