using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Core.Validation;
using Keel.Server.Infrastructure;

namespace Keel.Server.Registry;

/// <summary>Request plumbing shared by the registry endpoints: actors, bodies of DELETE requests, validation.</summary>
internal static class RegistryRequests
{
    /// <summary>The header a client uses to name its user (the CLI sends the OS user name).</summary>
    public const string UserHeader = "X-Keel-User";

    /// <summary>An optional reason for a change, kept in the audit trail.</summary>
    public const string CommentHeader = "X-Keel-Comment";

    /// <summary>MLflow's limit for registry tag values.</summary>
    public const int MaxTagValueLength = 5000;

    /// <summary>Who is making the change: the authenticated user, else the user the client names, else "anonymous".</summary>
    public static Actor Actor(this HttpRequest request, string? comment = null)
    {
        var user = request.HttpContext.User.Identity?.IsAuthenticated == true ? request.HttpContext.User.Identity.Name : null;
        user ??= request.Headers[UserHeader].FirstOrDefault();
        if (string.IsNullOrWhiteSpace(user))
        {
            user = "anonymous";
        }

        comment ??= request.Headers[CommentHeader].FirstOrDefault();
        return new Actor(Truncate(user.Trim(), 256), comment is null ? null : Truncate(comment, 5000));
    }

    /// <summary>
    /// MLflow's clients send DELETE requests with a JSON body; curl users often put the same fields
    /// in the query string. Both are accepted.
    /// </summary>
    public static async Task<T> ReadBodyOrQueryAsync<T>(this HttpRequest request, Func<HttpRequest, T> fromQuery)
        where T : class
    {
        var hasBody = request.ContentLength > 0 || request.Headers.TransferEncoding.Count > 0;
        return hasBody ? await request.ReadJsonAsync<T>().ConfigureAwait(false) : fromQuery(request);
    }

    /// <summary>Registered model names: non-empty, no '/', at most 256 characters.</summary>
    public static string ModelName(string? name, string field = "name")
    {
        var value = TrackingValidator.Required(name, field);
        if (value.Contains('/', StringComparison.Ordinal) || value.Length > ModelUri.MaxNameLength || value.Any(char.IsControl))
        {
            throw KeelException.InvalidParameter($"Invalid registered model name '{Truncate(value, 100)}': names must be at most {ModelUri.MaxNameLength} characters and contain no '/' or control characters.");
        }

        return value;
    }

    public static void ValidateTag(string? key, string? value)
    {
        TrackingValidator.ValidateKey(key, "tag");
        var text = TrackingValidator.Required(value, "value");
        if (text.Length > MaxTagValueLength)
        {
            throw KeelException.InvalidParameter($"Tag value had length {text.Length}, which exceeded length limit of {MaxTagValueLength}.");
        }
    }

    public static int MaxResults(long? requested, int defaultValue, int limit) =>
        TrackingValidator.ValidateMaxResults(requested, defaultValue, limit);

    private static string Truncate(string s, int max) => s.Length <= max ? s : s[..max];
}
