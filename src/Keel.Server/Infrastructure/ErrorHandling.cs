using System.Text.Json;
using Keel.Core.Errors;

namespace Keel.Server.Infrastructure;

/// <summary>
/// Turns every failure into MLflow's error JSON: KeelException keeps its code; malformed JSON is
/// BAD_REQUEST; a body over the limit is REQUEST_TOO_LARGE (413); an unknown API path is ENDPOINT_NOT_FOUND; anything else is INTERNAL_ERROR without
/// internals. Error bodies are always JSON, never HTML, and never echo request headers.
/// </summary>
internal static partial class ErrorHandling
{
    public static void UseKeelErrors(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context).ConfigureAwait(false);
                if (context.Response.StatusCode is 404 or 405 && !context.Response.HasStarted && context.GetEndpoint() is null)
                {
                    await WriteAsync(context, ErrorCode.EndpointNotFound, $"No API endpoint {context.Request.Method} {SafePath(context)}.", 404).ConfigureAwait(false);
                }
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
            catch (Exception e)
            {
                var (code, message, status) = Classify(e, context);
                if (status == StatusCodes.Status500InternalServerError)
                {
                    var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Keel.Server");
                    LogUnhandled(logger, e, context.Request.Method, SafePath(context));
                }

                await WriteAsync(context, code, message, status).ConfigureAwait(false);
            }
        });
    }

    /// <summary>
    /// The one mapping from an exception to the error a client gets (code, message, HTTP status):
    /// KeelException keeps its code; a body over Kestrel's limit is REQUEST_TOO_LARGE (413); other
    /// bad requests and malformed JSON are BAD_REQUEST (400); anything else is INTERNAL_ERROR (500)
    /// without internals. The serving metrics record the same status (<c>ServingRequestTimer</c>).
    /// </summary>
    /// <param name="exception">What was thrown.</param>
    /// <param name="context">The request, for the body limit named in a 413 message; null when only the status is wanted.</param>
    internal static (ErrorCode Code, string Message, int Status) Classify(Exception exception, HttpContext? context) => exception switch
    {
        KeelException e => (e.Code, e.Message, StatusOf(e)),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => TooLarge(context),
        BadHttpRequestException e => (ErrorCode.BadRequest, e.Message, StatusOf(e)),
        JsonException e => (ErrorCode.BadRequest, "Malformed JSON request body: " + e.Message, StatusOf(e)),
        _ => (ErrorCode.InternalError, "Internal error. See the server log for details.", StatusOf(exception)),
    };

    /// <summary>The HTTP status <see cref="Classify"/> gives <paramref name="exception"/>, without building a message (allocation-free, for metrics).</summary>
    internal static int StatusOf(Exception exception) => exception switch
    {
        KeelException e => e.Code.ToHttpStatus(),
        BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => StatusCodes.Status413PayloadTooLarge,
        BadHttpRequestException or JsonException => StatusCodes.Status400BadRequest,
        _ => StatusCodes.Status500InternalServerError,
    };

    private static (ErrorCode Code, string Message, int Status) TooLarge(HttpContext? context)
    {
        var limit = context?.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0;
        var error = RequestBodies.TooLarge(limit);
        return (error.Code, error.Message, StatusCodes.Status413PayloadTooLarge);
    }

    public static async Task WriteAsync(HttpContext context, ErrorCode code, string message, int status)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        await WriteBodyAsync(context, code, message).ConfigureAwait(false);
    }

    /// <summary>Writes the JSON error body (<see cref="ErrorJson"/>) of a response whose status and headers the caller has set.</summary>
    public static async Task WriteBodyAsync(HttpContext context, ErrorCode code, string message)
    {
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(ErrorJson.Body(code.ToWireName(), message), context.RequestAborted).ConfigureAwait(false);
    }

    private static string SafePath(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        return path.Length > 200 ? path[..200] + "..." : path;
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
