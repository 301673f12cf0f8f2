using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Server;
using Keel.Server.Infrastructure;
using Keel.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Keel.Cli.Server;

/// <summary><c>keel server</c>: runs the tracking server on the embedded default or the given stores.</summary>
internal static class ServerCommand
{
    public static Command Create()
    {
        var defaults = new KeelServerOptions();
        var host = new Option<string>("--host") { Description = "Interface to bind.", DefaultValueFactory = _ => defaults.Host };
        var port = new Option<int>("--port", "-p") { Description = "TCP port (0 picks a free one).", DefaultValueFactory = _ => defaults.Port };
        var backend = new Option<string>("--backend-store-uri") { Description = "Database URI, e.g. sqlite:///keel-data/keel.db.", DefaultValueFactory = _ => defaults.BackendStoreUri };
        var artifacts = new Option<string>("--artifacts-uri", "--default-artifact-root") { Description = "Artifact root: a folder, file:///path or s3://bucket/prefix (endpoint from $MLFLOW_S3_ENDPOINT_URL or Keel:S3:EndpointUrl). Clients reach it through the server's mlflow-artifacts proxy.", DefaultValueFactory = _ => defaults.ArtifactsUri };
        var auth = new Option<bool>("--auth") { Description = "Require authentication (HTTP Basic or a Bearer API token) and check permissions on every request (docs/auth.md). Same as Keel:Auth:Enabled=true." };
        var insecure = new Option<bool>("--insecure-no-auth") { Description = "Allow a non-loopback --host without --auth (only behind a proxy that authenticates)." };
        var command = new HostCommand("server", "Run the Keel tracking server.") { host, port, backend, artifacts, auth, insecure };
        command.SetAction(async (parse, ct) =>
        {
            string[] authArgs = [.. parse.GetValue(auth) ? ["--Keel:Auth:Enabled=true"] : Array.Empty<string>(), .. parse.GetValue(insecure) ? ["--Keel:Auth:InsecureNoAuth=true"] : Array.Empty<string>()];
            var app = KeelServerApp.Build(authArgs, o =>
            {
                o.Host = parse.GetValue(host)!;
                o.Port = parse.GetValue(port);
                o.BackendStoreUri = parse.GetValue(backend)!;
                o.ArtifactsUri = parse.GetValue(artifacts)!;
            });
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(ct).ConfigureAwait(false);
                var output = parse.InvocationConfiguration.Output;
                foreach (var address in ListeningAddresses(app.Services))
                {
                    await output.WriteLineAsync($"Keel server listening on {address}").ConfigureAwait(false);
                }

                foreach (var address in Hosting.NonLoopbackAddresses(app.Services))
                {
                    await parse.InvocationConfiguration.Error.WriteLineAsync(HostingAddresses.Warning(address)).ConfigureAwait(false);
                }

                // The one store line every command prints (stderr): the database this server uses.
                var origin = parse.GetResult(backend) is { Implicit: false } ? "--backend-store-uri" : StoreChoice.DefaultOrigin;
                await parse.InvocationConfiguration.Error.WriteLineAsync($"store: sqlite:///{StoreUris.ParseBackend(parse.GetValue(backend)!).Path} ({origin})").ConfigureAwait(false);
                await output.FlushAsync(ct).ConfigureAwait(false);
                await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            }

            return 0;
        });
        return command;
    }

    /// <summary>The addresses Kestrel actually bound (with the real port when 0 was asked for).</summary>
    internal static IReadOnlyCollection<string> ListeningAddresses(IServiceProvider services) =>
        services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses.ToArray() ?? [];
}
