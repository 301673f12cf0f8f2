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
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseKestrel(k => k.AddServerHeader = false);
        builder.WebHost.UseUrls(urls);
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        var models = new ServedModelRegistry(Path.Combine(Path.GetTempPath(), "keel-serving", Guid.NewGuid().ToString("N")));
        models.Publish(model);
        builder.Services.AddSingleton(models).AddServingMetrics();

        var app = builder.Build();
        app.UseKeelErrors();
        app.MapHealthApi();
        app.MapPost("/invocations", (HttpRequest request) => ServingApi.InvokeAsync(model, request));
        app.MapGet("/ping", () => ServingApi.Ping(model));
        app.MapOpenInferenceApi();
        app.MapServingMetrics();
        app.Services.GetRequiredService<ServingMetrics>().ModelLoaded(model.Name);
        return app;
    }
}
