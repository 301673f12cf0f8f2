namespace Keel.Core.Security;

/// <summary>
/// Decides whether a browser may send a state-changing request across origins (cross-site request
/// forgery). A page on another site can make a browser send a "simple" POST (a form, or
/// <c>fetch</c> with <c>text/plain</c> or no body) without a CORS preflight, carrying the user's
/// cached HTTP Basic credentials. Browsers say where such a request comes from: <c>Sec-Fetch-Site</c>
/// (all current browsers) and <c>Origin</c>. Requests with neither come from non-browser clients
/// (the MLflow client, curl), which no other site can drive, and pass. The same algorithm as Go's
/// <c>net/http.CrossOriginProtection</c> (https://words.filippo.io/csrf/).
/// </summary>
public static class CrossOriginRule
{
    /// <summary>Whether a request with this method can change state (everything but GET, HEAD, OPTIONS and TRACE).</summary>
    public static bool IsUnsafe(string method) =>
        !(string.Equals(method, "GET", StringComparison.OrdinalIgnoreCase) || string.Equals(method, "HEAD", StringComparison.OrdinalIgnoreCase)
          || string.Equals(method, "OPTIONS", StringComparison.OrdinalIgnoreCase) || string.Equals(method, "TRACE", StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// Whether a state-changing request may proceed.
    /// </summary>
    /// <param name="secFetchSite">The <c>Sec-Fetch-Site</c> header, or null.</param>
    /// <param name="origin">The <c>Origin</c> header, or null.</param>
    /// <param name="host">The <c>Host</c> header the request was sent to.</param>
    /// <param name="allowedOrigins">Normalised allowed origins (<see cref="CorsSettings.Validate"/>).</param>
    public static bool Allows(string? secFetchSite, string? origin, string? host, IReadOnlyCollection<string> allowedOrigins)
    {
        ArgumentNullException.ThrowIfNull(allowedOrigins);
        if (!string.IsNullOrEmpty(secFetchSite))
        {
            // "none": the user typed the address or used a bookmark; "same-origin": Keel's own UI.
            return secFetchSite is "same-origin" or "none" || IsAllowed(origin, allowedOrigins);
        }

        if (string.IsNullOrEmpty(origin))
        {
            return true; // Not a browser (or one too old to send Origin on a same-origin request).
        }

        if (IsAllowed(origin, allowedOrigins))
        {
            return true;
        }

        // An older browser without Sec-Fetch-Site: same origin when Origin names the host asked for.
        return Normalize(origin) is { } normalized && !string.IsNullOrEmpty(host)
            && new Uri(normalized) is var uri
            && (string.Equals(uri.Authority, host, StringComparison.OrdinalIgnoreCase)
                || string.Equals(uri.Host + ":" + uri.Port.ToString(System.Globalization.CultureInfo.InvariantCulture), host, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>Whether <paramref name="origin"/> is one of <paramref name="allowedOrigins"/>.</summary>
    public static bool IsAllowed(string? origin, IReadOnlyCollection<string> allowedOrigins)
    {
        ArgumentNullException.ThrowIfNull(allowedOrigins);
        return allowedOrigins.Count > 0 && Normalize(origin) is { } normalized && allowedOrigins.Contains(normalized, StringComparer.Ordinal);
    }

    /// <summary>The origin as browsers send it (<c>scheme://host[:port]</c>, lower case, no default port); null when it is not one.</summary>
    public static string? Normalize(string? origin)
    {
        if (string.IsNullOrWhiteSpace(origin) || origin.Contains('*', StringComparison.Ordinal)
            || !Uri.TryCreate(origin.Trim(), UriKind.Absolute, out var uri)
            || uri.Scheme is not ("http" or "https") || uri.UserInfo.Length > 0 || uri.Query.Length > 0 || uri.Fragment.Length > 0
            || uri.AbsolutePath != "/" || origin.Trim().EndsWith('/'))
        {
            return null;
        }

        return uri.GetLeftPart(UriPartial.Authority).ToLowerInvariant();
    }
}
