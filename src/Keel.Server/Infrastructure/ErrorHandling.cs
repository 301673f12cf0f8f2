using System.Text.Json;
using Keel.Core.Errors;
using Keel.Core.Json;
using Keel.Core.Protocol;

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
            catch (KeelException e)
            {
                await WriteAsync(context, e.Code, e.Message, e.Code.ToHttpStatus()).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
            {
                var limit = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? 0;
                var error = RequestBodies.TooLarge(limit);
                await WriteAsync(context, error.Code, error.Message, 413).ConfigureAwait(false);
            }
            catch (BadHttpRequestException e)
            {
                await WriteAsync(context, ErrorCode.BadRequest, e.Message, 400).ConfigureAwait(false);
            }
            catch (JsonException e)
            {
                await WriteAsync(context, ErrorCode.BadRequest, "Malformed JSON request body: " + e.Message, 400).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
            {
                // The client went away; nothing to answer.
            }
            catch (Exception e)
            {
                var logger = context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger("Keel.Server");
                LogUnhandled(logger, e, context.Request.Method, SafePath(context));
                await WriteAsync(context, ErrorCode.InternalError, "Internal error. See the server log for details.", 500).ConfigureAwait(false);
            }
        });
    }

    public static async Task WriteAsync(HttpContext context, ErrorCode code, string message, int status)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        context.Response.Clear();
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        await JsonSerializer.SerializeAsync(context.Response.Body, new ErrorResponse(code.ToWireName(), message), KeelJson.Options, context.RequestAborted).ConfigureAwait(false);
    }

    private static string SafePath(HttpContext context)
    {
        var path = context.Request.Path.Value ?? string.Empty;
        return path.Length > 200 ? path[..200] + "..." : path;
    }

    [LoggerMessage(EventId = 1000, Level = LogLevel.Error, Message = "Unhandled error in {Method} {Path}")]
    private static partial void LogUnhandled(ILogger logger, Exception exception, string method, string path);
}
