using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Cli.Server;
using Keel.Core.Auth;
using Keel.Core.Predictions;
using Keel.Core.Registry;
using Keel.Server.Infrastructure;
using Keel.Server.Serving;
using Keel.Storage;
using Keel.Stores;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace Keel.Cli.Serve;

/// <summary>
/// <c>keel serve MODEL_URI [--host] [--port] [--follow-interval]</c>, or
/// <c>keel serve --deployment NAME --tracking-uri URL</c> (a replica of a rolling deployment,
/// <c>ServeCommand.Deployment.cs</c>): resolves a <c>models:/</c> URI
/// in the store (a tracking server, or the local store by the one rule of <see cref="StoreChoice"/>),
/// downloads the version's package, warms it and
/// serves it with MLflow's scoring protocol at the root and the Open Inference Protocol v2. An
/// alias, stage or <c>latest</c> is followed: when it moves, the new version takes over.
/// </summary>
internal static partial class ServeCommand
{
    public static Command Create(GlobalOptions globals)
    {
        var modelUri = new Argument<string?>("model-uri") { Description = "The model to serve: models:/name/3, models:/name@champion, models:/name/Production. Leave out with --deployment.", Arity = ArgumentArity.ZeroOrOne };
        var host = new Option<string>("--host") { Description = "Interface to bind.", DefaultValueFactory = _ => "127.0.0.1" };
        var port = new Option<int>("--port", "-p") { Description = "TCP port (0 picks a free one).", DefaultValueFactory = _ => 5001 };
        var follow = new Option<TimeSpan>("--follow-interval")
        {
            Description = "How often an alias, stage or latest is resolved again; when it names another version, that version is loaded, warmed and swapped in. 0 pins the version resolved at start.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(5),
            HelpName = "hh:mm:ss",
        };
        var predictionLog = new Option<string>("--prediction-log")
        {
            Description = "Log every prediction to this embedded store (sqlite:///path/predictions.db) and serve the feedback and predictions endpoints; read it with keel predictions export --backend-store-uri.",
            HelpName = "sqlite-uri",
        };
        var sampleRate = new Option<double>("--log-sample-rate") { Description = "The share of requests logged (0 to 1).", DefaultValueFactory = _ => 1.0, HelpName = "share" };
        var logInputs = new Option<PredictionInputsMode>("--log-inputs")
        {
            Description = "What the prediction log keeps of the inputs: full (every value), hash (a SHA-256 per row) or none. Other log settings come from Keel__PredictionLog__* environment variables (docs/serving.md).",
            DefaultValueFactory = _ => PredictionInputsMode.Full,
        };
        var insecure = new Option<bool>("--insecure-no-auth")
        {
            Description = $"Allow a non-loopback --host without scoring tokens (${TokensVariable} for a model, the deployment's scoring tokens for a replica): only behind a proxy that authenticates.",
        };
        var replica = new ReplicaOptions();
        var command = new HostCommand("serve", "Serve one registered model over MLflow's scoring protocol and the Open Inference Protocol v2, or be a replica of a rolling deployment (--deployment).") { modelUri, host, port, follow, predictionLog, sampleRate, logInputs, insecure, replica.Deployment, replica.ReplicaId, replica.HeartbeatInterval, replica.DrainDelay };
        command.SetAction(async (parse, ct) =>
        {
            var uri = parse.GetValue(modelUri);
            var url = $"http://{parse.GetValue(host)}:{parse.GetValue(port)}";
            var open = !HostingAddresses.IsLoopback(url) && !parse.GetValue(insecure);
            var secrets = Environment.GetEnvironmentVariable(TokensVariable);
            if (parse.GetValue(replica.Deployment) is { } deploymentName)
            {
                return uri is not null
                    ? throw new UsageException("Give a model URI or --deployment, not both: a replica serves whatever version its deployment assigns it.")
                    : !string.IsNullOrWhiteSpace(secrets)
                    ? throw new UsageException($"${TokensVariable} is for a standalone model; a replica enforces its deployment's scoring tokens (docs/auth.md, Scoring tokens). Unset it.")
                    : await ServeDeploymentAsync(parse, globals, replica, deploymentName, url, open, ct).ConfigureAwait(false);
            }

            var tokens = StandaloneTokens(secrets, url, open);

            if (uri is null || !ModelUri.TryParse(uri, out var parsed))
            {
                throw new UsageException(uri is null ? "Give the model to serve (models:/name/3, models:/name@alias, models:/name/Production), or --deployment NAME to be a replica of a rolling deployment." : $"Expected a models:/ URI (models:/name/3, models:/name@alias, models:/name/Production), got '{uri}'.");
            }

            // Every log setting can come from the environment as for keel server (Keel__PredictionLog__MaxAge=7.00:00:00); the flags win.
            var logOptions = new PredictionLogOptions();
            new ConfigurationBuilder().AddEnvironmentVariables().Build().GetSection(PredictionLogOptions.Section).Bind(logOptions);
            if (parse.GetResult(sampleRate) is { Implicit: false })
            {
                logOptions.SampleRate = parse.GetValue(sampleRate);
            }

            if (parse.GetResult(logInputs) is { Implicit: false })
            {
                logOptions.InputsMode = parse.GetValue(logInputs);
            }

            using var logStore = OpenLogStore(parse.GetValue(predictionLog), logOptions);
            var store = globals.OpenStore(parse);
            await using var storeScope = store.ConfigureAwait(false);
            using var cache = ServingCache.Claim(ServingCache.DefaultParent);
            var models = new ServedModelRegistry(cache.Path);
            var name = parsed.Name;
            var model = await models.LoadFromRegistryAsync(name, uri, store.Registry, store.Tracking, store.Artifacts, ct).ConfigureAwait(false);
            var app = ServingApp.BuildSingle(
                models,
                name,
                url,
                logStore?.Predictions,
                logOptions,
                tokens: tokens);
            await using (app.ConfigureAwait(false))
            {
                await app.StartAsync(ct).ConfigureAwait(false);
                var output = parse.InvocationConfiguration.Output;
                if (tokens is not null)
                {
                    await output.WriteLineAsync($"Scoring tokens required: {tokens.Current!.Tokens.Count} from ${TokensVariable} (send 'Authorization: Bearer TOKEN')").ConfigureAwait(false);
                }

                foreach (var address in ServerCommand.ListeningAddresses(app.Services))
                {
                    await output.WriteLineAsync($"Serving {name} version {model.Version} on {address}").ConfigureAwait(false);
                }

                if (tokens is null)
                {
                    foreach (var address in Hosting.NonLoopbackAddresses(app.Services))
                    {
                        await parse.InvocationConfiguration.Error.WriteLineAsync(HostingAddresses.Warning(address)).ConfigureAwait(false);
                    }
                }

                await output.FlushAsync(ct).ConfigureAwait(false);
                using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Lifetime.ApplicationStopping);
                var interval = parse.GetValue(follow);
                var following = parsed.Kind != ModelUriKind.Version && interval > TimeSpan.Zero
                    ? FollowAsync(models, name, store, interval, output, parse.InvocationConfiguration.Error, stopping.Token)
                    : Task.CompletedTask;
                await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
                await stopping.CancelAsync().ConfigureAwait(false);
                await following.ConfigureAwait(false);
            }

            return ExitCodes.Success;
        });
        return command;
    }

    /// <summary>The environment variable holding a standalone host's scoring tokens (comma or newline separated).</summary>
    internal const string TokensVariable = "KEEL_SERVE_TOKENS";

    /// <summary>
    /// The gate of a standalone host: the secrets in <see cref="TokensVariable"/>, or null when it is
    /// unset (refused on a non-loopback address without <c>--insecure-no-auth</c>).
    /// </summary>
    /// <exception cref="UsageException">A secret that is too short, or an open non-loopback address.</exception>
    private static ServeTokenGate? StandaloneTokens(string? secrets, string url, bool open)
    {
        if (string.IsNullOrWhiteSpace(secrets))
        {
            return open
                ? throw new UsageException($"Refusing to serve on {url} without scoring tokens: anyone who could reach it could score the model and read its metrics. Set ${TokensVariable} (one or more secrets of 32+ characters, comma separated; clients send 'Authorization: Bearer SECRET'), bind 127.0.0.1, or pass --insecure-no-auth if a proxy in front authenticates.")
                : null;
        }

        try
        {
            var gate = new ServeTokenGate("model host", maxAge: null);
            gate.Update(ScoringTokenSet.FromSecrets([.. secrets.Split([',', '\n'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]));
            return gate;
        }
        catch (ArgumentException e)
        {
            throw new UsageException($"${TokensVariable}: {e.Message.Split(" (Parameter", 2)[0]}");
        }
    }

    /// <summary>Opens (creating and migrating) the embedded store the prediction log goes to, or null without <c>--prediction-log</c>.</summary>
    /// <exception cref="UsageException">Not a sqlite:/// URI, or a sample rate out of range.</exception>
    private static KeelStores? OpenLogStore(string? uri, PredictionLogOptions options)
    {
        try
        {
            options.Validate();
        }
        catch (InvalidOperationException e)
        {
            throw new UsageException("--log-sample-rate, --log-inputs or Keel__PredictionLog__*: " + e.Message);
        }

        if (uri is null)
        {
            return null;
        }

        var backend = StoreUris.ParseBackend(uri);
        if (backend.Scheme != "sqlite")
        {
            throw new UsageException($"--prediction-log: expected sqlite:///path/to/predictions.db, got '{uri}'.");
        }

        var folder = Path.GetDirectoryName(Path.GetFullPath(backend.Path))!;
        return StoreFactory.Open(uri, Path.Combine(folder, "artifacts"));
    }

    /// <summary>
    /// Re-resolves the URI every <paramref name="interval"/> and swaps in the version it names when
    /// that changes; a failed load leaves the current version serving and is reported on stderr.
    /// </summary>
    private static async Task FollowAsync(
        ServedModelRegistry models, string name, CliStore store, TimeSpan interval, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    if (await models.RefreshAsync(name, store.Registry, store.Tracking, store.Artifacts, cancellationToken).ConfigureAwait(false) is { } next)
                    {
                        await output.WriteLineAsync($"Now serving {name} version {next.Version} (generation {next.Generation})").ConfigureAwait(false);
                        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    await error.WriteLineAsync($"warning: following {name} failed, the current version keeps serving: {e.Message}").ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }
}
