using System.CommandLine;
using Keel.Cli.Infrastructure;
using Keel.Cli.Server;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Keel.Server.Infrastructure;
using Keel.Server.Serving;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Keel.Cli.Serve;

// keel serve --deployment NAME: one replica of a rolling deployment.
internal static partial class ServeCommand
{
    /// <summary>
    /// Runs a replica: starts the host (answering 503 until a version is loaded), registers with the
    /// tracking server, serves the version it is assigned and follows its assignment
    /// (<see cref="ReplicaAgent"/>). Scoring requests get 503 while nothing is loaded and while
    /// draining, so a load balancer that retries on 503 (nginx's proxy_next_upstream http_503)
    /// sends them to another replica.
    /// </summary>
    /// <remarks>
    /// The deployment's scoring tokens are read before the host starts and again after every
    /// heartbeat (<see cref="ServeTokenGate"/>); a replica whose set is older than
    /// <see cref="TokenMaxAge"/> refuses guarded scoring with 503. Bound to a non-loopback address
    /// (<paramref name="open"/>) it refuses to start while the deployment has no scoring token.
    /// </remarks>
    private static async Task<int> ServeDeploymentAsync(ParseResult parse, GlobalOptions globals, ReplicaOptions options, string deploymentName, string url, bool open, CancellationToken ct)
    {
        deploymentName = Core.Deployments.DeploymentSpecValidator.Name(deploymentName, "--deployment");
        var replicaId = RegistryValidator.ServingName(parse.GetValue(options.ReplicaId) ?? $"{Environment.MachineName}-{Environment.ProcessId}", "--replica-id");
        var interval = parse.GetValue(options.HeartbeatInterval);
        var drain = parse.GetValue(options.DrainDelay);
        if (interval <= TimeSpan.Zero || drain < TimeSpan.Zero)
        {
            throw new UsageException("--heartbeat-interval must be more than 0 and --drain-delay at least 0.");
        }

        var store = globals.OpenStore(parse);
        await using var storeScope = store.ConfigureAwait(false);
        var client = store.Client ?? throw new UsageException("--deployment needs a Keel tracking server to register with: --tracking-uri http://host:5000 (or KEEL_TRACKING_URI).");
        var deployment = await client.GetDeploymentAsync(deploymentName, ct).ConfigureAwait(false);
        var tokens = new ServeTokenGate($"deployment '{deployment.Name}'", TokenMaxAge(interval));
        tokens.Update(await client.ExchangeDeploymentScoringTokensAsync(deployment.Name, [], ct).ConfigureAwait(false));
        if (open && !tokens.Current!.Guarded)
        {
            throw new UsageException($"Refusing to serve deployment '{deployment.Name}' on {url}: it has no scoring token, so anyone who could reach this replica could score it. Create one (POST /api/2.0/keel/auth/deployments/scoring-tokens/create, docs/auth.md), bind 127.0.0.1, or pass --insecure-no-auth if a proxy in front authenticates.");
        }

        using var cache = ServingCache.Claim(ServingCache.DefaultParent);
        var models = new ServedModelRegistry(cache.Path);
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        var agent = new ReplicaAgent(client, store, models, tokens, deployment.Name, deployment.Model, replicaId, interval, drain, output, error);
        var app = ServingApp.BuildSingle(models, deployment.Model, url, tokens: tokens, configure: b =>
        {
            b.Services.AddSingleton<IHostedService>(agent);
            b.Services.Configure<HostOptions>(o => o.ShutdownTimeout = drain + TimeSpan.FromSeconds(30));
        });
        app.Use((context, next) => agent.Ready || !IsTraffic(context.Request.Path)
            ? next(context)
            : Unavailable(context, deployment.Name, replicaId));
        await using (app.ConfigureAwait(false))
        {
            await app.StartAsync(ct).ConfigureAwait(false);
            agent.Address = ServerCommand.ListeningAddresses(app.Services).First();
            var guard = tokens.Current!.Guarded ? $"scoring tokens required, {tokens.Current.Tokens.Count} active" : "no scoring token required";
            await output.WriteLineAsync($"Replica {replicaId} of deployment {deployment.Name} ({deployment.Model}; {guard}) listening on {agent.Address}").ConfigureAwait(false);
            if (!tokens.Current.Guarded)
            {
                foreach (var address in Hosting.NonLoopbackAddresses(app.Services))
                {
                    await error.WriteLineAsync(HostingAddresses.Warning(address)).ConfigureAwait(false);
                }
            }

            await output.FlushAsync(ct).ConfigureAwait(false);
            using var stopping = CancellationTokenSource.CreateLinkedTokenSource(ct, app.Lifetime.ApplicationStopped);
            var running = agent.RunAsync(stopping.Token);
            await app.WaitForShutdownAsync(ct).ConfigureAwait(false);
            await stopping.CancelAsync().ConfigureAwait(false);
            await running.ConfigureAwait(false);
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// How old a replica's scoring-token set may get (the tracking server out of reach) before it
    /// refuses guarded scoring: ten heartbeats, at least a minute. A revoked token works on a
    /// replica for at most one heartbeat while the server answers, and at most this long while not.
    /// </summary>
    internal static TimeSpan TokenMaxAge(TimeSpan heartbeat) => TimeSpan.FromTicks(Math.Max(TimeSpan.FromMinutes(1).Ticks, heartbeat.Ticks * 10));

    /// <summary>Scoring and readiness paths: what a load balancer sends or probes.</summary>
    private static bool IsTraffic(PathString path) =>
        path.StartsWithSegments("/invocations") || path.StartsWithSegments("/ping")
        || (path.StartsWithSegments("/v2") && (path.Value!.EndsWith("/infer", StringComparison.Ordinal) || path.Value.EndsWith("/ready", StringComparison.Ordinal)));

    private static Task Unavailable(HttpContext context, string deployment, string replicaId)
    {
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        context.Response.Headers.Connection = "close";
        return context.Response.WriteAsJsonAsync(new
        {
            error_code = ErrorCode.TemporarilyUnavailable.ToWireName(),
            message = $"Replica {replicaId} of deployment '{deployment}' is not ready (loading its first version, or draining).",
        });
    }

    /// <summary>The options of a replica.</summary>
    private sealed class ReplicaOptions
    {
        public Option<string> Deployment { get; } = new("--deployment")
        {
            Description = "Serve as a replica of this rolling deployment: register with the tracking server (--tracking-uri), send heartbeats, serve the version it assigns (docs/deployments.md, Rolling).",
            HelpName = "name",
        };

        public Option<string> ReplicaId { get; } = new("--replica-id")
        {
            Description = "This replica's id within the deployment (default: HOSTNAME-PID).",
            HelpName = "id",
        };

        public Option<TimeSpan> HeartbeatInterval { get; } = new("--heartbeat-interval")
        {
            Description = "How often the replica reports to the tracking server and reads its assignment.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(2),
            HelpName = "hh:mm:ss",
        };

        public Option<TimeSpan> DrainDelay { get; } = new("--drain-delay")
        {
            Description = "On SIGTERM, how long the replica answers scoring requests with 503 (readiness false, so a load balancer sends them elsewhere) before it stops; requests in flight finish.",
            DefaultValueFactory = _ => TimeSpan.FromSeconds(2),
            HelpName = "hh:mm:ss",
        };
    }
}
