using System.Net.Http.Json;
using System.Text;
using Keel.Client.Http;
using Keel.Core.Json;
using Keel.Core.Registry;

namespace Keel.Client;

// Request plumbing of the registry calls: PATCH and DELETE with a JSON body, Keel's own paths,
// and the X-Keel-User / X-Keel-Comment headers that name the actor in the audit trail.
public sealed partial class KeelClient
{
    private const string KeelRegistryApi = "api/2.0/keel/registry/";

    /// <summary>The header naming the user a registry change is recorded under.</summary>
    public const string UserHeader = "X-Keel-User";

    /// <summary>The header carrying the reason for a registry change.</summary>
    public const string CommentHeader = "X-Keel-Comment";

    /// <summary>An actor for this client's user (<see cref="KeelClientOptions.User"/>) with an optional reason.</summary>
    public Actor ActorFor(string? comment = null) => new(Options.User, comment);

    private static Uri MlflowPath(string path) => new(MlflowApi + path, UriKind.Relative);

    private static Uri KeelPath(string path) => new(KeelRegistryApi + path, UriKind.Relative);

    private async Task<TResponse> GetRegistryJsonAsync<TResponse>(Uri path, QueryString query, CancellationToken cancellationToken)
    {
        using var response = await SendRegistryAsync(HttpMethod.Get, path, query, body: null, actor: null, commentInBody: false, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<TResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TResponse> SendRegistryJsonAsync<TResponse>(HttpMethod method, Uri path, object body, Actor actor, bool commentInBody, CancellationToken cancellationToken)
    {
        using var response = await SendRegistryAsync(method, path, default, body, actor, commentInBody, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<TResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task SendRegistryAsync(HttpMethod method, Uri path, object body, Actor actor, bool commentInBody, CancellationToken cancellationToken)
    {
        using var response = await SendRegistryAsync(method, path, default, body, actor, commentInBody, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Sends one registry request. The actor's user always travels in <c>X-Keel-User</c>; its
    /// comment travels in the body when <paramref name="commentInBody"/> says the request record
    /// has a <c>comment</c> field (any text), otherwise in <c>X-Keel-Comment</c>.
    /// </summary>
    private Task<HttpResponseMessage> SendRegistryAsync(HttpMethod method, Uri path, QueryString query, object? body, Actor? actor, bool commentInBody, CancellationToken cancellationToken)
    {
        var user = actor is null ? null : HeaderValue(string.IsNullOrWhiteSpace(actor.User) ? Options.User : actor.User);
        var comment = actor?.Comment is { Length: > 0 } c && !commentInBody ? CommentHeaderValue(c) : null;
        var uri = new Uri(BaseAddress, path + query.ToString());
        return SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(method, uri);
                if (body is not null)
                {
                    request.Content = JsonContent.Create(body, body.GetType(), options: KeelJson.Options);
                }

                if (user is not null)
                {
                    request.Headers.TryAddWithoutValidation(UserHeader, user);
                }

                if (comment is not null)
                {
                    request.Headers.TryAddWithoutValidation(CommentHeader, comment);
                }

                return request;
            },
            method == HttpMethod.Get ? Replay.Always : ReplaySafety.For(path.OriginalString),
            cancellationToken);
    }

    /// <summary>HTTP header values are ASCII on one line: other characters become '?', line breaks spaces.</summary>
    private static string HeaderValue(string text)
    {
        var builder = new StringBuilder(text.Length);
        foreach (var ch in text.Trim())
        {
            builder.Append(char.IsControl(ch) ? ' ' : ch > '~' ? '?' : ch);
        }

        return builder.ToString();
    }

    /// <summary>A comment sent in a header must survive unchanged, so anything a header cannot carry is refused.</summary>
    private static string CommentHeaderValue(string comment)
    {
        foreach (var ch in comment)
        {
            if (ch is < ' ' or > '~')
            {
                throw new ArgumentException("This operation carries its comment in the X-Keel-Comment header, which takes printable ASCII on one line only.", nameof(comment));
            }
        }

        return comment;
    }
}
