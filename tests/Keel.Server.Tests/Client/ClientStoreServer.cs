using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Keel.Server.Tests.Client;

/// <summary>
/// An in-process Keel server on a SQLite database in <see cref="Folder"/>, on the given clock, for
/// running the store compliance suites through <c>KeelClient</c>. A second server on the same
/// folder reopens the same data.
/// </summary>
public sealed class ClientStoreServer(string folder, TimeProvider clock) : WebApplicationFactory<Program>
{
    public string Folder { get; } = folder;

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("Keel:BackendStoreUri", "sqlite:///" + Path.Combine(Folder, "keel.db"));
        builder.UseSetting("Keel:ArtifactsUri", Path.Combine(Folder, "artifacts"));
        builder.ConfigureTestServices(services => services.AddSingleton(clock));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        SqliteConnection.ClearAllPools();
    }
}
