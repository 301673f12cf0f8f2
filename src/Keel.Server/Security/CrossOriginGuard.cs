using Keel.Core.Errors;
using Keel.Core.Security;
using Microsoft.Net.Http.Headers;

namespace Keel.Server.Security;

/// <summary>
/// Refuses what a page on another site could make a browser do: a CORS preflight from an origin not
/// in <c>Keel:Cors:AllowedOrigins</c>, and a state-changing request that a browser marks as
/// cross-site (<see cref="CrossOriginRule"/>). Both get 403 PERMISSION_DENIED, which never names the
/// origin. Also marks every API answer <c>Cache-Control: no-store</c> (they can hold secrets, such as
/// a new token, and permission-filtered data), unless the endpoint set its own.
/// </summary>
internal static class CrossOriginGuard
{
    public static Task InvokeAsync(HttpContext context, RequestDelegate next, IReadOnlyList<string> allowedOrigins)
    {
        var request = context.Request;
        var headers = request.Headers;
        if (HttpMethods.IsOptions(request.Method) && headers.ContainsKey(HeaderNames.AccessControlRequestMethod)
            && headers.ContainsKey(HeaderNames.Origin) && !CrossOriginRule.IsAllowed(headers.Origin.ToString(), allowedOrigins))
        {
            throw new KeelException(ErrorCode.PermissionDenied, "Cross-origin request refused: the origin is not in Keel:Cors:AllowedOrigins.");
        }

        if (CrossOriginRule.IsUnsafe(request.Method)
            && !CrossOriginRule.Allows(headers["Sec-Fetch-Site"].ToString(), headers.Origin.ToString(), headers.Host.ToString(), allowedOrigins))
        {
            throw new KeelException(
                ErrorCode.PermissionDenied,
                "Cross-site request refused: a state-changing request from a page on another site (add the site's origin to Keel:Cors:AllowedOrigins to allow it).");
        }

        if (request.Path.StartsWithSegments("/api", StringComparison.OrdinalIgnoreCase) || request.Path.StartsWithSegments("/ajax-api", StringComparison.OrdinalIgnoreCase))
        {
            context.Response.OnStarting(NoStore, context.Response);
        }

        return next(context);
    }

    private static Task NoStore(object state)
    {
        var response = (HttpResponse)state;
        if (string.IsNullOrEmpty(response.Headers.CacheControl))
        {
            response.Headers.CacheControl = "no-store";
        }

        return Task.CompletedTask;
    }
}
