using Keel.Core.Artifacts;
using Keel.Core.Deployments;
using Keel.Core.Monitoring;
using Keel.Core.Registry;
using Keel.Core.Tracking;
using Keel.ML.Workflows;
using Keel.Server.Monitoring.Actions;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Keel.Server.Monitoring;

/// <summary>Registers the alert actions: <see cref="IAlertActionRunner"/> and the <see cref="RetrainingQueue"/> over the server's own stores.</summary>
internal static class AlertActionsServiceCollectionExtensions
{
    /// <summary>The configuration key of the folder retrain actions read pipeline files from.</summary>
    public const string PipelineRootKey = RetrainingQueueOptions.Section + ":PipelineRoot";

    /// <summary>
    /// The runner (<see cref="AlertActionRunner"/>, logged) and the retraining queue. Pipelines are
    /// read from <c>Keel:Monitoring:Retraining:PipelineRoot</c> (default: the server's working folder).
    /// </summary>
    public static IServiceCollection AddKeelAlertActions(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(RetrainingQueueOptions.Section).Get<RetrainingQueueOptions>() ?? new RetrainingQueueOptions();
        options.Validate();
        var root = configuration[PipelineRootKey] is { Length: > 0 } configured ? configured : Directory.GetCurrentDirectory();
        services.TryAddSingleton<IRetrainer>(sp => new PipelineRetrainer(
            () => new TrainBackend("server", sp.GetRequiredService<ITrackingStore>(), sp.GetRequiredService<IRegistryStore>(), sp.GetRequiredService<IArtifactStore>()),
            root,
            sp.GetRequiredService<TimeProvider>()));
        services.TryAddSingleton(sp => new RetrainingQueue(
            sp.GetRequiredService<IRetrainer>(),
            sp.GetRequiredService<DeploymentService>(),
            sp.GetRequiredService<TimeProvider>(),
            options,
            new RetrainingLog(sp.GetRequiredService<ILogger<RetrainingQueue>>())));
        services.TryAddSingleton(sp => new AlertActionRunner(
            sp.GetRequiredService<DeploymentService>(),
            sp.GetRequiredService<IRegistryStore>(),
            sp.GetRequiredService<RetrainingQueue>()));
        services.TryAddSingleton<IAlertActionRunner>(sp => new LoggedAlertActionRunner(
            sp.GetRequiredService<AlertActionRunner>(),
            sp.GetRequiredService<ILogger<AlertActionRunner>>()));
        return services;
    }
}
