using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Cli.Server;
using Keel.Client;
using Keel.Core.Registry;
using Keel.Server.Serving;
using Microsoft.Extensions.Hosting;

namespace Keel.Cli.Serve;

/// <summary>
/// <c>keel serve MODEL_URI [--host] [--port]</c>: resolves a <c>models:/</c> URI on the tracking
/// server, downloads the version's package through the artifact proxy, warms it and serves it with
/// MLflow's scoring protocol at the root and the Open Inference Protocol v2.
/// </summary>
internal static class ServeCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var modelUri = new Argument<string>("model-uri") { Description = "The model to serve: models:/name/3, models:/name@champion, models:/name/Production." };
        var host = new Option<string>("--host") { Description = "Interface to bind.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port", "-p") { Description = "TCP port (0 picks a free one).", DefaultValueFactory = _ => 5001 };
        var command = new Command("serve", "Serve one registered model over MLflow's scoring protocol and the Open Inference Protocol v2.") { modelUri, host, port };
        command.SetAction(async (parse, ct) =>
        {
            var uri = parse.GetValue(modelUri)!;
            if (!uri.StartsWith("models:/", StringComparison.Ordinal))
            {
                throw new UsageException($"Expected a models:/ URI, got '{uri}'.");
            }

            using var client = globals.CreateClient(parse);
            var version = await client.ResolveAsync(uri, ct).ConfigureAwait(false);
            var directory = await DownloadAsync(client, version, ct).ConfigureAwait(false);
            var model = await ServedModel.LoadAsync(version.Name, directory, version.Version, uri, ct).ConfigureAwait(false);
            var app = ServingApp.BuildSingle(model, $"http://{parse.GetValue(host)}:{parse.GetValue(port)}");
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(ct).ConfigureAwait(false);
                var output = parse.InvocationConfiguration.Output;
                foreach (var address in ServerCommand.ListeningAddresses(app.Services))
                {
                    await output.WriteLineAsync($"Serving {version.Name} version {version.Version} on {address}").ConfigureAwait(false);
                }

                await output.FlushAsync(ct).ConfigureAwait(false);
                await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>Downloads the version's package (source <c>runs:/id/path</c>, or <c>mlflow-artifacts:/</c> under its run) into a new temp folder.</summary>
    private static async Task<string> DownloadAsync(KeelClient client, ModelVersion version, CancellationToken cancellationToken)
    {
        string runId;
        string path;
        if (Core.Artifacts.RunsUri.TryParse(version.Source) is { } runs)
        {
            runId = runs.RunId;
            path = runs.Path;
        }
        else if (version.RunId is { Length: > 0 } id && version.Source.StartsWith("mlflow-artifacts:", StringComparison.OrdinalIgnoreCase))
        {
            var run = await client.GetRunAsync(id, cancellationToken).ConfigureAwait(false);
            var root = KeelClient.RunArtifactsProxyPath(run.Info);
            var sourcePath = Core.Artifacts.ArtifactUris.ToRelativePath(version.Source);
            if (sourcePath != root && !sourcePath.StartsWith(root + "/", StringComparison.Ordinal))
            {
                throw new UsageException($"Model version source '{version.Source}' is not under its run's artifacts; keel serve downloads runs:/ sources and run artifacts only.");
            }

            runId = id;
            path = sourcePath[root.Length..].Trim('/');
        }
        else
        {
            throw new UsageException($"Model version source '{version.Source}' cannot be downloaded: keel serve reads runs:/ sources and run artifacts through the artifact proxy.");
        }

        var target = Directory.CreateTempSubdirectory("keel-serve-").FullName;
        await client.DownloadRunArtifactsAsync(runId, path, target, cancellationToken).ConfigureAwait(false);
        return path.Length == 0 ? target : Path.Combine(target, path);
    }
}
