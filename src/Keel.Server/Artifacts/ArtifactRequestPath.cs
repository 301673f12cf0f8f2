using Keel.Core.Artifacts;
using Keel.Core.Errors;
using Microsoft.AspNetCore.Http.Features;

namespace Keel.Server.Artifacts;

/// <summary>
/// Reads artifact paths from the request line as the client sent it. Kestrel decodes <c>%2e</c> and
/// removes dot segments before routing, so the routed path can differ from what was asked for; the
/// raw target is what is checked, and a request whose raw target does not literally start with the
/// artifact prefix is refused.
/// </summary>
internal static class ArtifactRequestPath
{
    /// <summary>The proxy's path prefixes, as MLflow maps them.</summary>
    public static readonly string[] ProxyPrefixes = ["/api/2.0/mlflow-artifacts", "/ajax-api/2.0/mlflow-artifacts"];

    private const string ArtifactsSegment = "/artifacts/";

    /// <summary>
    /// The normalised artifact path of a <c>/mlflow-artifacts/artifacts/&lt;path&gt;</c> request.
    /// </summary>
    /// <exception cref="KeelException">INVALID_PARAMETER_VALUE when the path is unsafe or missing.</exception>
    public static string FromProxyUrl(HttpContext context, bool required)
    {
        var raw = RawPath(context);
        foreach (var prefix in ProxyPrefixes)
        {
            var full = prefix + ArtifactsSegment;
            if (raw.StartsWith(full, StringComparison.OrdinalIgnoreCase))
            {
                var path = ArtifactPath.NormalizeEncoded(raw[full.Length..]);
                return required && path.Length == 0
                    ? throw KeelException.InvalidParameter("Invalid path: an artifact path is required.")
                    : path;
            }

            if (string.Equals(raw, prefix + "/artifacts", StringComparison.OrdinalIgnoreCase))
            {
                return required ? throw KeelException.InvalidParameter("Invalid path: an artifact path is required.") : string.Empty;
            }
        }

        throw KeelException.InvalidParameter("Invalid path: the request path is not in canonical form.");
    }

    /// <summary>
    /// Refuses, before routing matters, any request under the proxy prefixes whose raw path holds
    /// encoded dots, slashes or percent signs, dot segments or backslashes, so that such requests get
    /// INVALID_PARAMETER_VALUE rather than whatever Kestrel's normalised path would route to.
    /// </summary>
    public static void UseArtifactPathGuard(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var raw = RawPath(context);
            foreach (var prefix in ProxyPrefixes)
            {
                if (raw.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
                {
                    ArtifactPath.NormalizeEncoded(raw[prefix.Length..].TrimStart('/'));
                    break;
                }
            }

            await next(context).ConfigureAwait(false);
        });

    /// <summary>The path part of the raw request target, still percent-encoded.</summary>
    internal static string RawPath(HttpContext context)
    {
        var target = context.Features.Get<IHttpRequestFeature>()?.RawTarget;
        if (string.IsNullOrEmpty(target))
        {
            return (context.Request.PathBase + context.Request.Path).ToUriComponent();
        }

        if (!target.StartsWith('/'))
        {
            // Absolute form (GET http://host/path HTTP/1.1): keep what follows the authority.
            var scheme = target.IndexOf("://", StringComparison.Ordinal);
            var slash = scheme < 0 ? -1 : target.IndexOf('/', scheme + 3);
            target = slash < 0 ? "/" : target[slash..];
        }

        var query = target.IndexOf('?');
        return query < 0 ? target : target[..query];
    }
}
