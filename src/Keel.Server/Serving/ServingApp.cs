using Keel.Core.Predictions;
using Keel.Server.Infrastructure;

namespace Keel.Server.Serving;

/// <summary>
/// The standalone single-model host behind <c>keel serve</c>: MLflow's scoring protocol at the root
/// (<c>/invocations</c>, <c>/ping</c>, <c>/health</c>, <c>/version</c>) and the Open Inference
/// Protocol v2 (<c>/v2/...</c>) for the one model.
/// </summary>
public static class ServingApp
{
    /// <summary>Builds the host for <paramref name="model"/> (already loaded and warm), listening on <paramref name="urls"/>.</summary>
    /// <param name="model">The model to serve.</param>
    /// <param name="urls">Kestrel URLs, e.g. <c>http://127.0.0.1:5001</c> (port 0 picks a free one).</param>
    public static WebApplication BuildSingle(ServedModel model, string urls)
    {
        ArgumentNullException.ThrowIfNull(model);
        var cache = ServingCache.Claim(ServingCache.DefaultParent);
        var models = new ServedModelRegistry(cache.Path);
        models.Publish(model);
        var app = BuildSingle(models, model.Name, urls);
        app.Lifetime.ApplicationStopped.Register(cache.Dispose);
        app.Services.GetRequiredService<ServingMetrics>().ModelLoaded(model.Name);
        return app;
    }

    /// <summary>
    /// Builds the host for the model <paramref name="models"/> serves as <paramref name="name"/>.
    /// Each request takes a lease on the current generation, so the caller may replace it while
    /// serving (<see cref="ServedModelRegistry.RefreshAsync"/>): requests in flight finish on the
    /// old generation.
    /// </summary>
    /// <param name="models">The registry holding the model (loaded and warm).</param>
    /// <param name="name">The name it is served under (the registered name).</param>
    /// <param name="urls">Kestrel URLs, e.g. <c>http://127.0.0.1:5001</c> (port 0 picks a free one).</param>
    /// <param name="predictionLog">
    /// A store for the prediction log, or null for none. With one, every prediction is logged as in
    /// the main server (buffered, batched, sampled by <paramref name="logOptions"/>) and the
    /// feedback and predictions endpoints are served; its retention is applied in the background.
    /// </param>
    /// <param name="logOptions">The log's settings; null for the defaults.</param>
    /// <param name="scoring">Limits on one scoring request; null for those configured under <c>Keel:Serving</c> (environment variables such as <c>Keel__Serving__MaxRowsPerRequest</c>), else the defaults.</param>
    /// <param name="hosting">
    /// Overrides of the connection, timeout and body limits (<see cref="HostingOptions"/>), applied
    /// after those bound from <c>Keel:Hosting</c> in the environment (<c>Keel__Hosting__MaxConnections</c>).
    /// </param>
    /// <param name="tokens">The scoring-token check in front of every route but the probes (<c>keel serve</c> with <c>KEEL_SERVE_TOKENS</c>, a replica of a rolling deployment); null for none.</param>
    /// <param name="configure">Last changes to the builder before the host is built (e.g. <c>keel serve --deployment</c> adds its replica services); null for none.</param>
    public static WebApplication BuildSingle(ServedModelRegistry models, string name, string urls, IPredictionStore? predictionLog = null, PredictionLogOptions? logOptions = null, ScoringOptions? scoring = null, Action<HostingOptions>? hosting = null, ServeTokenGate? tokens = null, Action<WebApplicationBuilder>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(models);
        var builder = WebApplication.CreateSlimBuilder();
        builder.AddKeelHosting(hosting);
        builder.WebHost.UseUrls(urls);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Services.AddSingleton(models).AddServingMetrics().AddScoring();
        if (scoring is not null)
        {
            builder.Services.Configure<ScoringOptions>(o =>
            {
                o.MaxRowsPerRequest = scoring.MaxRowsPerRequest;
                o.StrictColumns = scoring.StrictColumns;
            });
        }

        if (predictionLog is not null)
        {
            var options = logOptions ?? new PredictionLogOptions();
            options.Validate();
            builder.Services.AddSingleton(TimeProvider.System);
            builder.Services.AddSingleton(predictionLog);
            builder.Services.AddSingleton(options);
            builder.Services.AddSingleton<PredictionLogger>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PredictionLogger>());
            builder.Services.AddSingleton<PredictionLogRetention>();
            builder.Services.AddHostedService(sp => sp.GetRequiredService<PredictionLogRetention>());
        }

        configure?.Invoke(builder);
        var app = builder.Build();
        app.UseKeelHosting();
        if (tokens is not null)
        {
            tokens.Logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger<ServeTokenGate>();
            app.Use(tokens.InvokeAsync);
        }

        app.MapHealthApi();
        app.MapPost("/invocations", async (HttpRequest request) =>
        {
            using var lease = ServingApi.Acquire(models, name);
            return await ServingApi.InvokeAsync(lease.Model, request).ConfigureAwait(false);
        });
        app.MapGet("/ping", () => ServingApi.Ping(ServingApi.Find(models, name)));
        app.MapOpenInferenceApi();
        app.MapServingMetrics();
        if (models.TryGetStatus(name, out var status))
        {
            // Loads made before the metrics were wired (keel serve loads first, then builds the host).
            var metrics = app.Services.GetRequiredService<ServingMetrics>();
            for (var i = 0; i < status.LoadCount; i++)
            {
                metrics.ModelLoaded(name);
            }
        }

        if (predictionLog is not null)
        {
            app.MapPredictionLogApi();
        }

        return app;
    }
}
