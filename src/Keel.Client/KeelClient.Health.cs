namespace Keel.Client;

public sealed partial class KeelClient
{
    /// <summary>The server's liveness answer (<c>GET /health</c>, "OK" when healthy).</summary>
    public Task<string> GetHealthAsync(CancellationToken cancellationToken = default) => GetTextAsync("health", cancellationToken);

    /// <summary>The server's version (<c>GET /version</c>).</summary>
    public Task<string> GetServerVersionAsync(CancellationToken cancellationToken = default) => GetTextAsync("version", cancellationToken);

    private async Task<string> GetTextAsync(string path, CancellationToken cancellationToken)
    {
        var uri = new Uri(BaseAddress, path);
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, uri), replayable: true, cancellationToken).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        return text.Trim();
    }
}
