using Keel.Core.Errors;
using Keel.Server.Infrastructure;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Prometheus;

namespace Keel.Server.Serving;

/// <summary>Registers <see cref="ServingMetrics"/> and maps <c>GET /metrics</c> (and HEAD; other methods get a JSON 405).</summary>
public static class ServingMetricsEndpoints
{
    /// <summary>The path Prometheus scrapes.</summary>
    public const string Path = "/metrics";

    /// <summary>Adds the app's <see cref="ServingMetrics"/> (needs a <see cref="ServedModelRegistry"/>).</summary>
    public static IServiceCollection AddServingMetrics(this IServiceCollection services)
    {
        services.TryAddSingleton<ServingMetrics>();
        return services;
    }

    /// <summary>Maps <c>GET /metrics</c>: the app's <see cref="ServingMetrics.Registry"/> in the Prometheus text format.</summary>
    public static IEndpointConventionBuilder MapServingMetrics(this IEndpointRouteBuilder app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var metrics = app.ServiceProvider.GetRequiredService<ServingMetrics>();
        if (app.ServiceProvider.GetService<ServedModelRegistry>() is { } models)
        {
            models.LoadObserved = (name, succeeded, duration) =>
            {
                if (succeeded)
                {
                    metrics.ModelLoaded(name, duration);
                }
                else
                {
                    metrics.ModelLoadFailed(name, duration);
                }
            };
            metrics.ObserveEnginePoolSize(m => m.EnginePoolSize);
        }

        if (app.ServiceProvider.GetService<PredictionLogger>() is { } log)
        {
            metrics.ObservePredictionLog(() => log.Written, log.DroppedBy, () => log.QueueLength, () => log.QueueBytes);
            metrics.ObserveCounter("keel_serving_prediction_log_pruned_total", "Prediction log records deleted by retention (maximum age or size).", () => app.ServiceProvider.GetService<PredictionLogRetention>()?.Pruned ?? 0);
            metrics.ObserveCounter("keel_serving_prediction_log_write_failures_total", "Prediction log rows lost because their batch could not be written to the store.", () => log.WriteFailures);
        }

        app.MapMethods(Path, OtherMethods, MethodNotAllowedAsync);
        return app.MapMetrics(Path, metrics.Registry).WithMetadata(new HttpMethodMetadata(["GET", "HEAD"]));
    }

    /// <summary>Methods that get a JSON 405 at <see cref="Path"/> instead of reaching the exporter.</summary>
    private static readonly string[] OtherMethods = ["POST", "PUT", "DELETE", "PATCH", "OPTIONS", "TRACE"];

    private static Task MethodNotAllowedAsync(HttpContext context)
    {
        context.Response.OnStarting(() =>
        {
            context.Response.Headers.Allow = "GET, HEAD";
            return Task.CompletedTask;
        });
        return ErrorHandling.WriteAsync(context, ErrorCode.EndpointNotFound, $"{Path} answers GET and HEAD only, not {context.Request.Method}.", StatusCodes.Status405MethodNotAllowed);
    }
}
