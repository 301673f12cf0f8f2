using System.Net.Http.Json;
using System.Text.Json;
using Keel.Client.Http;
using Keel.Core.Json;
using Keel.Core.Tracking;
using Polly;

namespace Keel.Client;

/// <summary>
/// Typed async client for Keel's REST API, which is MLflow's REST API 2.0: experiments, runs,
/// metrics, artifacts, health. Works against any MLflow tracking server too.
/// </summary>
/// <remarks>
/// Every call is retried on transient failures as <see cref="KeelClientOptions"/> describes.
/// A server error arrives as a <see cref="Core.Errors.KeelException"/> carrying MLflow's error code; a server
/// that cannot be reached even after the retries surfaces as <see cref="HttpRequestException"/>.
/// The client is thread-safe; keep one per server.
/// </remarks>
public sealed partial class KeelClient : ITrackingStore, Core.Registry.IRegistryStore, IDisposable
{
    private const string MlflowApi = "api/2.0/mlflow/";
    private const string ArtifactsProxyApi = "api/2.0/mlflow-artifacts/artifacts";

    private readonly HttpClient _http;
    private readonly bool _ownsHttp;
    private readonly ResiliencePipeline<HttpResponseMessage> _pipeline;

    /// <summary>Uses the given HttpClient, whose <see cref="HttpClient.BaseAddress"/> must be the server's root URL.</summary>
    /// <param name="httpClient">Configured by the caller (handlers, headers, timeout); not disposed by this client.</param>
    /// <param name="options">Retry settings; null for the defaults.</param>
    public KeelClient(HttpClient httpClient, KeelClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        BaseAddress = NormalizeBase(httpClient.BaseAddress
            ?? throw new ArgumentException("The HttpClient needs a BaseAddress: the tracking server's URL.", nameof(httpClient)));
        Options = options ?? new KeelClientOptions();
        Options.Validate();
        _http = httpClient;
        _pipeline = RetryPipeline.Create(Options);
    }

    /// <summary>Talks to the server at <paramref name="baseAddress"/> with an HttpClient of its own.</summary>
    /// <param name="baseAddress">The tracking server, e.g. <c>http://127.0.0.1:5000</c>.</param>
    /// <param name="options">Retry and timeout settings; null for the defaults.</param>
    public KeelClient(Uri baseAddress, KeelClientOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        if (!baseAddress.IsAbsoluteUri || (baseAddress.Scheme != Uri.UriSchemeHttp && baseAddress.Scheme != Uri.UriSchemeHttps))
        {
            throw new ArgumentException($"Tracking URI '{baseAddress}' must be an absolute http:// or https:// URL.", nameof(baseAddress));
        }

        BaseAddress = NormalizeBase(baseAddress);
        Options = options ?? new KeelClientOptions();
        Options.Validate();
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        _http = new HttpClient(handler, disposeHandler: true) { BaseAddress = BaseAddress, Timeout = Options.Timeout };
        _ownsHttp = true;
        _pipeline = RetryPipeline.Create(Options);
    }

    /// <summary>The server's root URL, always ending with a slash.</summary>
    public Uri BaseAddress { get; }

    /// <summary>The settings this client was built with.</summary>
    public KeelClientOptions Options { get; }

    /// <inheritdoc/>
    public void Dispose()
    {
        if (_ownsHttp)
        {
            _http.Dispose();
        }
    }

    private static Uri NormalizeBase(Uri uri) =>
        uri.AbsoluteUri.EndsWith('/') ? uri : new Uri(uri.AbsoluteUri + "/");

    private async Task<TResponse> GetJsonAsync<TResponse>(string path, QueryString query, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(() => new HttpRequestMessage(HttpMethod.Get, Api(path, query)), replayable: true, cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<TResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task<TResponse> PostJsonAsync<TRequest, TResponse>(string path, TRequest body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, Api(path, default)) { Content = JsonContent.Create(body, options: KeelJson.Options) },
            ReplaySafety.For(MlflowApi + path),
            cancellationToken).ConfigureAwait(false);
        return await ReadJsonAsync<TResponse>(response, cancellationToken).ConfigureAwait(false);
    }

    private async Task PostJsonAsync<TRequest>(string path, TRequest body, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(
            () => new HttpRequestMessage(HttpMethod.Post, Api(path, default)) { Content = JsonContent.Create(body, options: KeelJson.Options) },
            ReplaySafety.For(MlflowApi + path),
            cancellationToken).ConfigureAwait(false);
    }

    private Uri Api(string path, QueryString query) => new(BaseAddress, MlflowApi + path + query);

    /// <summary>
    /// Sends a request through the retry pipeline and returns a successful answer (headers read,
    /// body not yet); anything else becomes a KeelException. <paramref name="createRequest"/> runs
    /// once per attempt because a request message cannot be sent twice.
    /// </summary>
    private Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, bool replayable, CancellationToken cancellationToken) =>
        SendAsync(createRequest, replayable ? Replay.Always : Replay.BeforeSent, cancellationToken);

    /// <inheritdoc cref="SendAsync(Func{HttpRequestMessage}, bool, CancellationToken)"/>
    /// <param name="createRequest">Builds the request, once per attempt.</param>
    /// <param name="replay">When it may be sent again after a transient failure.</param>
    /// <param name="cancellationToken">Cancels the request and the waits between attempts.</param>
    private async Task<HttpResponseMessage> SendAsync(Func<HttpRequestMessage> createRequest, Replay replay, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RetryPipeline.ReplayKey, replay);
        HttpResponseMessage response;
        try
        {
            response = await _pipeline.ExecuteAsync(
                static async (ctx, state) =>
                {
                    using var request = state.createRequest();
                    state.self.Authorize(request);
                    return await state.http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, ctx.CancellationToken).ConfigureAwait(false);
                },
                context,
                (createRequest, http: _http, self: this)).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            throw await ErrorMapping.ToExceptionAsync(response, cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            var value = await response.Content.ReadFromJsonAsync<T>(KeelJson.Options, cancellationToken).ConfigureAwait(false);
            return value ?? throw new Core.Errors.KeelException(Core.Errors.ErrorCode.InternalError, $"Empty answer from {response.RequestMessage?.RequestUri?.AbsolutePath}.");
        }
        catch (JsonException e)
        {
            throw new Core.Errors.KeelException(Core.Errors.ErrorCode.InternalError, $"Unexpected answer from {response.RequestMessage?.RequestUri?.AbsolutePath}: {e.Message}", e);
        }
    }
}
