using Keel.Monitoring.Performance;
using Keel.Monitoring.Performance.Estimation;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Monitoring;

/// <summary>Registers the label-free performance estimate (CBPE) monitoring passes fill <c>WindowPerformance.Estimated</c> with.</summary>
internal static class PerformanceEstimationServiceCollectionExtensions
{
    /// <summary><see cref="IPerformanceEstimator"/> as <see cref="CbpeEstimator"/> with <see cref="CbpeOptions"/> from <c>Keel:Monitoring:Cbpe</c> (defaults when absent).</summary>
    public static IServiceCollection AddKeelPerformanceEstimation(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Keel:Monitoring:Cbpe").Get<CbpeOptions>() ?? new CbpeOptions();
        options.Validate();
        services.TryAddSingleton(options);
        services.TryAddSingleton<IPerformanceEstimator>(sp => new CbpeEstimator(sp.GetRequiredService<CbpeOptions>()));
        return services;
    }
}
