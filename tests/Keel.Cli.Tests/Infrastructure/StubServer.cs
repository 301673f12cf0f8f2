using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Keel.Cli.Tests.Infrastructure;

/// <summary>
/// A tiny real HTTP server on a loopback port whose answers a test scripts, for failures the real
/// Keel server does not produce on demand (503, 429, dropped connections, HTML error pages).
/// </summary>
public sealed class StubServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _requests;

    private StubServer(WebApplication app) => _app = app;

    /// <summary>Requests received so far.</summary>
    public int Requests => Volatile.Read(ref _requests);

    public Uri BaseAddress => new(_app.Urls.First());

    /// <summary>Starts a server; <paramref name="handler"/> gets each request and its 1-based number.</summary>
    public static async Task<StubServer> StartAsync(Func<HttpContext, int, Task> handler)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var stub = new StubServer(app);
        app.Run(context => handler(context, Interlocked.Increment(ref stub._requests)));
        await app.StartAsync();
        return stub;
    }

    /// <summary>Writes a JSON body with a status.</summary>
    public static Task JsonAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json";
        return context.Response.WriteAsync(json);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
