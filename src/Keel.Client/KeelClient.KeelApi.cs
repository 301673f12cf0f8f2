using System.Net.Http.Json;
using Keel.Client.Http;
using Keel.Core.Json;
using Keel.Core.Registry;

namespace Keel.Client;

// Keel's own API (deployments, monitoring, ...) beside MLflow's: JSON answers, and POSTs that carry
// the acting user in the X-Keel-User header.
public sealed partial class KeelClient
{
    /// <summary>GETs <paramref name="path"/> (relative to the base address) and reads its JSON answer; replayed after a lost answer.</summary>
    private async Task<T> GetKeelJsonAsync<T>(string path, QueryString query, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(BaseAddress, path + query)), replayable: true, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>POSTs <paramref name="body"/> as JSON to <paramref name="path"/> as <paramref name="actor"/>'s user (the client's when the actor names none) and reads the JSON answer.</summary>
    private async Task<T> PostKeelJsonAsync<T>(string path, object body, Actor actor, bool replayable, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(actor);
        var user = HeaderValue(string.IsNullOrWhiteSpace(actor.User) ? Options.User : actor.User);
        var uri = new Uri(BaseAddress, path);
        using var response = await SendAsync(
            () =>
            {
                var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body, body.GetType(), options: KeelJson.Options) };
                request.Headers.TryAddWithoutValidation(UserHeader, user);
                return request;
            },
            replayable,
            cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<T>(response, cancellationToken).ConfigureAwait(false);
    }
}
