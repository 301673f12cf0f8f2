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
        // Not truncated: the store refuses an over-long user id or comment (RegistryValidator.Actor) rather than keep part of it.
        return new Actor(user.Trim(), comment);
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

    /// <summary>
    /// The name of a registered model that should exist (reads, updates, deletes): present and valid
    /// Unicode. New names (create, rename) meet <see cref="RegistryValidator.ModelName"/>, checked by the store.
    /// </summary>
    public static string ModelName(string? name, string field = "name") => RegistryValidator.ExistingModelName(name, field);

    public static int MaxResults(long? requested, int defaultValue, int limit) =>
        TrackingValidator.ValidateMaxResults(requested, defaultValue, limit);
}
