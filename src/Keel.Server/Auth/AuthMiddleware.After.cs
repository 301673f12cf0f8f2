using System.Text.Json;
using Keel.Core.Auth;

namespace Keel.Server.Auth;

internal sealed partial class AuthMiddleware
{
    /// <summary>
    /// Runs the endpoint with its response buffered, then the rule's after-request step when it
    /// succeeded (MLflow's after-request handlers: the creator of an experiment or model manages it;
    /// a rename moves permissions; a delete drops them), then sends the response.
    /// </summary>
    private static async Task RunWithAfterAsync(HttpContext context, RequestDelegate next, AfterRequest after, AuthRequest request, AuthUser user)
    {
        var original = context.Response.Body;
        using var buffer = new MemoryStream();
        context.Response.Body = buffer;
        try
        {
            await next(context).ConfigureAwait(false);
        }
        finally
        {
            context.Response.Body = original;
        }

        if (context.Response.StatusCode == StatusCodes.Status200OK)
        {
            JsonElement json = default;
            if (buffer.Length > 0)
            {
                try
                {
                    using var doc = JsonDocument.Parse(buffer.ToArray());
                    json = doc.RootElement.Clone();
                }
                catch (JsonException)
                {
                    // Not JSON: the step gets nothing to read.
                }
            }

            if (await after(request, user, json).ConfigureAwait(false) is { } replaced)
            {
                context.Response.ContentLength = replaced.Length;
                await original.WriteAsync(replaced, context.RequestAborted).ConfigureAwait(false);
                return;
            }
        }

        buffer.Position = 0;
        await buffer.CopyToAsync(original, context.RequestAborted).ConfigureAwait(false);
    }
}
