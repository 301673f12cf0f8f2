namespace Keel.Server.Infrastructure;

/// <summary>
/// Security headers on every response of both hosts, errors included: no MIME sniffing, no framing,
/// no referrer, and a Content-Security-Policy that lets nothing load (JSON, text, downloads) or, for
/// HTML, only same-origin resources.
/// </summary>
internal static class HostingHeaders
{
    /// <summary>The policy on everything but HTML: nothing loads, nothing frames it, and a rendered download runs sandboxed.</summary>
    public const string ContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";

    /// <summary>The policy on HTML: same-origin scripts, styles, images and API calls only; no plugins, no inline script, no framing.</summary>
    public const string HtmlContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'self'; object-src 'none'; frame-ancestors 'none'";

    public static IApplicationBuilder UseKeelSecurityHeaders(this IApplicationBuilder app) => app.Use((context, next) =>
    {
        context.Response.OnStarting(
            static state =>
            {
                var response = (HttpResponse)state;
                var headers = response.Headers;
                headers.XContentTypeOptions = "nosniff";
                headers.XFrameOptions = "DENY";
                headers["Referrer-Policy"] = "no-referrer";
                var html = response.ContentType is { } type && type.StartsWith("text/html", StringComparison.OrdinalIgnoreCase);
                // An endpoint that sets its own policy keeps it (the web UI, Ui/UiApi.cs); everything else gets these.
                if (string.IsNullOrEmpty(headers.ContentSecurityPolicy))
                {
                    headers.ContentSecurityPolicy = html ? HtmlContentSecurityPolicy : ContentSecurityPolicy;
                }
                return Task.CompletedTask;
            },
            context.Response);
        return next(context);
    });
}
