using Keel.Client;
using Keel.Server;
using Microsoft.AspNetCore.Builder;

[assembly: AssemblyFixture(typeof(Keel.Cli.Tests.Infrastructure.KeelServerFixture))]

namespace Keel.Cli.Tests.Infrastructure;

/// <summary>
/// One real Keel server (SQLite in a temp folder, local artifacts) on a loopback port, shared by
/// every test in the assembly. Tests isolate themselves by creating uniquely named experiments.
/// </summary>
public sealed class KeelServerFixture : IAsyncLifetime
{
    private WebApplication? _app;

    public string DataDirectory { get; } = Directory.CreateTempSubdirectory("keel-cli-tests-").FullName;

    public Uri BaseAddress { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var tmp = DataDirectory;
        // The deployment controller is off: the CLI tests see the rollouts they applied, unmoved.
        _app = KeelServerApp.Build(["--Keel:Deployments:Controller:Enabled=false", "--Keel:Monitoring:Scheduler:Enabled=false"], o =>
        {
            o.Port = 0;
            o.BackendStoreUri = "sqlite:///" + tmp + "/keel.db";
            o.ArtifactsUri = tmp + "/artifacts";
        });
        await _app.StartAsync();
        BaseAddress = new Uri(_app.Urls.First());
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        try
        {
            Directory.Delete(DataDirectory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a closing connection; the temp folder is cleaned by the OS.
        }
    }

    /// <summary>A client without retries, so a failing test fails at once.</summary>
    public KeelClient CreateClient() => new(BaseAddress, new KeelClientOptions { MaxRetryAttempts = 0 });

    /// <summary>A name no other test uses.</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";
}
