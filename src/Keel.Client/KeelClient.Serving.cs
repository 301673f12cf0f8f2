using System.Net.Http.Json;
using Keel.Core.Json;

namespace Keel.Client;

// Keel's serving admin API (/api/2.0/keel/serving/models): which registered models a running
// `keel server` serves by name.
public sealed partial class KeelClient
{
    private const string ServingAdminApi = "api/2.0/keel/serving/models";

    /// <summary>
    /// Loads <paramref name="modelUri"/> (<c>models:/name/3</c>, <c>models:/name@alias</c>,
    /// <c>models:/name/Production</c>, <c>models:/name/latest</c>) on the server, warms it up and
    /// serves it as <paramref name="name"/>, replacing what was served under that name.
    /// </summary>
    public async Task<ServedModelInfo> ServeModelAsync(string name, string modelUri, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(modelUri);
        var uri = new Uri(BaseAddress, ServingAdminApi);
        var body = new ServeModelRequest(name, modelUri);
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, uri) { Content = JsonContent.Create(body, options: KeelJson.Options) },
            replayable: true,
            cancellationToken).ConfigureAwait(false);
        return (await ReadJsonAsync<ServedModelResponse>(response, cancellationToken).ConfigureAwait(false)).Model;
    }

    /// <summary>The models the server serves, by name.</summary>
    public async Task<IReadOnlyList<ServedModelInfo>> ListServedModelsAsync(CancellationToken cancellationToken = default)
    {
        var uri = new Uri(BaseAddress, ServingAdminApi);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), replayable: true, cancellationToken).ConfigureAwait(false);
        return (await ReadJsonAsync<ServedModelsResponse>(response, cancellationToken).ConfigureAwait(false)).Models ?? [];
    }

    /// <summary>Stops serving <paramref name="name"/>; RESOURCE_DOES_NOT_EXIST when it is not served.</summary>
    public async Task StopServingAsync(string name, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var uri = new Uri(BaseAddress, ServingAdminApi + "/" + Uri.EscapeDataString(name));
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Delete, uri), replayable: true, cancellationToken).ConfigureAwait(false);
    }

    private sealed record ServeModelRequest(string Name, string ModelUri);

    private sealed record ServedModelResponse(ServedModelInfo Model);

    private sealed record ServedModelsResponse(IReadOnlyList<ServedModelInfo>? Models);
}
