using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Reliability;

/// <summary>The main server on Kestrel (real sockets) on a free loopback port, in this process.</summary>
internal sealed class KestrelHost : IAsyncDisposable
{
    private readonly string _folder;

    private KestrelHost(WebApplication app, string folder, Uri address)
    {
        App = app;
        _folder = folder;
        Address = address;
    }

    public WebApplication App { get; }

    public Uri Address { get; }

    public static async Task<KestrelHost> StartAsync(string host = "127.0.0.1", params string[] args)
    {
        var folder = Directory.CreateTempSubdirectory("keel-kestrel-").FullName;
        var app = KeelServerApp.Build(args, o =>
        {
            o.Host = host;
            o.Port = 0;
            o.BackendStoreUri = "sqlite:///" + Path.Combine(folder, "keel.db");
            o.ArtifactsUri = Path.Combine(folder, "artifacts");
        });
        await app.StartAsync(TestContext.Current.CancellationToken);
        var bound = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(bound.Replace("0.0.0.0", "127.0.0.1", StringComparison.Ordinal)).Port;
        return new KestrelHost(app, folder, new Uri($"http://127.0.0.1:{port}/"));
    }

    public async ValueTask DisposeAsync()
    {
        await App.StopAsync();
        await App.DisposeAsync();
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
