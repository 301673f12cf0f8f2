using Keel.Core.Deployments;
using Microsoft.Extensions.Options;

namespace Keel.Server.Deployments;

/// <summary>
/// Runs the <see cref="RollingCoordinator"/> every <see cref="RollingCoordinatorOptions.TickInterval"/>,
/// only while this process holds the store lease <see cref="RollingCoordinator.LeaseName"/>, so with
/// several server processes on one store exactly one moves replicas. The canary controller has its
/// own lease (<c>deployments-controller</c>) and leaves rolling deployments to this one. Each tick
/// also forgets replicas silent for <see cref="RollingCoordinatorOptions.ReplicaExpiry"/>. With no
/// rolling deployment in the store a tick only reads (it takes no lease), so a server without
/// rolling deployments writes nothing in the background. Errors are
/// logged and the next tick tries again; nothing here stops the server.
/// </summary>
internal sealed partial class RollingCoordinatorService(
    DeploymentService deployments,
    IDeploymentReplicaStore replicas,
    IOptions<RollingCoordinatorOptions> options,
    TimeProvider time,
    ILogger<RollingCoordinatorService> logger) : BackgroundService
{
    private readonly string _holder = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private bool _held;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        if (settings.TickInterval <= TimeSpan.Zero)
        {
            return;
        }

        var coordinator = new RollingCoordinator(deployments, replicas, time, _holder);
        using var timer = new PeriodicTimer(settings.TickInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await TickAsync(coordinator, settings, stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
        finally
        {
            if (_held)
            {
                try
                {
                    await deployments.Store.ReleaseLeaseAsync(RollingCoordinator.LeaseName, _holder, CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogTickFailed(logger, e);
                }
            }
        }
    }

    private async Task TickAsync(RollingCoordinator coordinator, RollingCoordinatorOptions settings, CancellationToken cancellationToken)
    {
        try
        {
            // Read first: with no rolling deployment, a tick writes nothing (no lease, no expiry).
            if ((await RollingDeploymentsAsync(cancellationToken).ConfigureAwait(false)).Count == 0)
            {
                return;
            }

            var lease = _held ? await deployments.Store.RenewLeaseAsync(RollingCoordinator.LeaseName, _holder, settings.LeaseDuration, cancellationToken).ConfigureAwait(false) : null;
            lease ??= await deployments.Store.TryAcquireLeaseAsync(RollingCoordinator.LeaseName, _holder, settings.LeaseDuration, cancellationToken).ConfigureAwait(false);
            if ((lease is not null) != _held)
            {
                _held = lease is not null;
                LogLease(logger, _holder, _held);
            }

            if (!_held)
            {
                return;
            }

            await replicas.ExpireAsync(settings.ReplicaExpiry, cancellationToken).ConfigureAwait(false);
            foreach (var deployment in await RollingDeploymentsAsync(cancellationToken).ConfigureAwait(false))
            {
                try
                {
                    var decision = await coordinator.StepAsync(deployment, cancellationToken).ConfigureAwait(false);
                    if (decision is RollingDecision.Moved or RollingDecision.Promoted or RollingDecision.Failed or RollingDecision.Reassigned)
                    {
                        LogDecision(logger, deployment.Name, decision);
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    LogStepFailed(logger, deployment.Name, e);
                }
            }
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogTickFailed(logger, e);
        }
    }

    private async Task<List<Deployment>> RollingDeploymentsAsync(CancellationToken cancellationToken)
    {
        var rolling = new List<Deployment>();
        string? token = null;
        do
        {
            var page = await deployments.ListAsync(100, token, cancellationToken).ConfigureAwait(false);
            rolling.AddRange(page.Items.Where(d => d.Strategy == DeploymentStrategy.Rolling));
            token = page.NextPageToken;
        }
        while (token is not null);
        return rolling;
    }

    [LoggerMessage(EventId = 5100, Level = LogLevel.Information, Message = "Rolling coordinator {Holder}: lease held {Held}")]
    private static partial void LogLease(ILogger logger, string holder, bool held);

    [LoggerMessage(EventId = 5101, Level = LogLevel.Information, Message = "Rolling deployment {Deployment}: {Decision}")]
    private static partial void LogDecision(ILogger logger, string deployment, RollingDecision decision);

    [LoggerMessage(EventId = 5102, Level = LogLevel.Warning, Message = "Rolling deployment {Deployment}: the coordinator's step failed; it tries again at the next tick")]
    private static partial void LogStepFailed(ILogger logger, string deployment, Exception exception);

    [LoggerMessage(EventId = 5103, Level = LogLevel.Warning, Message = "Rolling coordinator: a tick failed; it tries again at the next one")]
    private static partial void LogTickFailed(ILogger logger, Exception exception);
}
