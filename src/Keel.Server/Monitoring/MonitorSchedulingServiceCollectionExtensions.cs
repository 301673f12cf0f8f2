using Keel.Core.Monitoring;
using Keel.Server.Serving;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Monitoring;

/// <summary>
/// Registers continuous monitoring: the monitor runner (<see cref="IMonitorRunner"/>), the
/// prediction counter on the log's write path, the Prometheus gauges and, when
/// <c>Keel:Monitoring:Scheduler:Enabled</c> is not false, the scheduler (a hosted service).
/// </summary>
internal static class MonitorSchedulingServiceCollectionExtensions
{
    public static IServiceCollection AddKeelMonitorScheduling(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(MonitoringSchedulerOptions.Section).Get<MonitoringSchedulerOptions>() ?? new MonitoringSchedulerOptions();
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton<MonitorRunner>();
        services.TryAddSingleton<IMonitorRunner>(sp => sp.GetRequiredService<MonitorRunner>());
        services.TryAddSingleton<PredictionTrafficCounter>();
        services.AddSingleton<IPredictionLogWriteObserver>(sp => sp.GetRequiredService<PredictionTrafficCounter>());
        services.TryAddSingleton<MonitoringGauges>();
        services.AddHostedService(sp => sp.GetRequiredService<MonitoringGauges>());
        if (options.Enabled)
        {
            services.TryAddSingleton<MonitoringScheduler>();
            services.AddHostedService(sp => sp.GetRequiredService<MonitoringScheduler>());
        }

        return services;
    }
}
