namespace Keel.Server.Ui;

/// <summary>
/// Serves the web UI: <c>GET /</c> is the page, <c>GET /ui/...</c> its scripts, styles and the vendored
/// chart library. Pages are routed in the browser (<c>/#/runs/...</c>), so the server maps one fixed
/// route per file and no route takes input. The UI calls the same REST API as every other client.
/// </summary>
internal static class UiApi
{
    /// <summary>
    /// The policy on UI responses: scripts only from Keel's own files (no inline script, no eval),
    /// API calls to this origin only, images from Keel, data: and blob: (SVG artifacts are shown
    /// through a blob: URL inside &lt;img&gt;, where SVG cannot run script). Inline styles are allowed
    /// because Keel's HTML reports carry their own &lt;style&gt; and are shown in a sandboxed
    /// srcdoc iframe (no scripts, opaque origin), which inherits this policy.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; font-src 'self'; " +
        "connect-src 'self'; frame-src 'self' blob:; base-uri 'none'; form-action 'none'; object-src 'none'; frame-ancestors 'none'";

    public static void MapKeelUi(this IEndpointRouteBuilder app)
    {
        var assets = UiAssets.Load();
        if (assets.Files.TryGetValue("index.html", out var index))
        {
            app.MapGet("/", (HttpContext context) => Send(context, index)).ExcludeFromDescription();
        }

        foreach (var (path, asset) in assets.Files)
        {
            app.MapGet("/ui/" + path, (HttpContext context) => Send(context, asset)).ExcludeFromDescription();
        }
    }

    private static Task Send(HttpContext context, UiAsset asset)
    {
        var response = context.Response;
        response.Headers.ContentSecurityPolicy = ContentSecurityPolicy;
        response.Headers.CacheControl = "no-cache";
        response.Headers.ETag = asset.ETag;
        if (context.Request.Headers.IfNoneMatch.Contains(asset.ETag))
        {
            response.StatusCode = StatusCodes.Status304NotModified;
            return Task.CompletedTask;
        }

        response.ContentType = asset.ContentType;
        response.ContentLength = asset.Bytes.Length;
        return response.Body.WriteAsync(asset.Bytes, context.RequestAborted).AsTask();
    }
}
