using Keel.Core.Monitoring;
using Keel.Monitoring.Alerts;
using Keel.Server.Monitoring.Alerts;
using Keel.Server.Serving;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Monitoring;

/// <summary>Registers the alert evaluator and its notifiers.</summary>
internal static class AlertsServiceCollectionExtensions
{
    /// <summary>
    /// <see cref="IAlertEvaluator"/> (<see cref="AlertEvaluator"/> over the monitoring store; the
    /// <see cref="IAlertActionRunner"/> when one is registered) and the webhook notifier with its
    /// background delivery (settings from <see cref="AlertWebhookOptions.Section"/>).
    /// </summary>
    public static IServiceCollection AddKeelAlerts(this IServiceCollection services, IConfiguration configuration)
    {
        var options = (configuration.GetSection(AlertWebhookOptions.Section).Get<AlertWebhookOptions>() ?? new AlertWebhookOptions()).Validate();
        services.TryAddSingleton(options);
        services.AddHttpClient(WebhookNotifier.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, PooledConnectionLifetime = TimeSpan.FromMinutes(5) });
        services.TryAddSingleton(sp => new WebhookNotifier(
            sp.GetRequiredService<IHttpClientFactory>(),
            sp.GetRequiredService<AlertWebhookOptions>(),
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<ILogger<WebhookNotifier>>(),
            sp.GetService<ServingMetrics>()));
        services.AddHostedService(sp => sp.GetRequiredService<WebhookNotifier>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IAlertNotifier, WebhookNotifier>(sp => sp.GetRequiredService<WebhookNotifier>()));
        services.TryAddSingleton<IAlertEvaluator>(sp => new AlertEvaluator(
            sp.GetRequiredService<IMonitoringStore>(),
            sp.GetServices<IAlertNotifier>(),
            sp.GetService<IAlertActionRunner>(),
            sp.GetRequiredService<ILogger<AlertEvaluator>>()));
        return services;
    }
}
