namespace Keel.Core.Security;

/// <summary>
/// Which other web origins may call Keel from a browser. Bound from <c>Keel:Cors</c>; an origin is
/// <c>scheme://host[:port]</c> (http or https), exactly as a browser sends it in <c>Origin</c>.
/// </summary>
public sealed class CorsSettings
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Keel:Cors";

    /// <summary>
    /// Origins allowed to call the API from a browser, with credentials: they get exactly their origin
    /// echoed in <c>Access-Control-Allow-Origin</c>, pass the CORS preflight and may send
    /// state-changing requests. No wildcard: <c>*</c> is refused at start-up.
    /// </summary>
    /// <value>Empty: only pages Keel serves itself (its UI) may call it from a browser.</value>
    public IList<string> AllowedOrigins { get; } = [];

    /// <summary>Checks every origin and returns them normalised (lower case, no default port), reporting all problems at once.</summary>
    /// <exception cref="InvalidOperationException">Naming every bad origin.</exception>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        var origins = new List<string>();
        foreach (var origin in AllowedOrigins)
        {
            if (CrossOriginRule.Normalize(origin) is { } normalized)
            {
                origins.Add(normalized);
            }
            else
            {
                problems.Add($"'{origin}' is not an origin: expected http(s)://host[:port] with no path, query or wildcard");
            }
        }

        return problems.Count > 0
            ? throw new InvalidOperationException($"Invalid {Section}:AllowedOrigins: " + string.Join("; ", problems) + ".")
            : origins;
    }
}
