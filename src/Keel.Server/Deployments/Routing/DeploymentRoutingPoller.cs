using Keel.Core.Deployments;
using Keel.Core.Errors;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// Reads the deployments this process serves from the store every
/// <see cref="DeploymentRoutingOptions.PollInterval"/>: changes made by other processes (another
/// server's controller, <c>keel deploy</c> on the store) reach the request path within one
/// interval. Each pass also releases versions whose rollback window is over and retries failed
/// loads. A store error is logged; the current routing stays.
/// </summary>
internal sealed class DeploymentRoutingPoller(
    DeploymentArmHost host, IDeploymentStore store, DeploymentRoutingOptions options, TimeProvider time, ILogger<DeploymentRoutingPoller> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.PollInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await PollOnceAsync(stoppingToken).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    /// <summary>One pass over the deployments served here.</summary>
    internal async Task PollOnceAsync(CancellationToken cancellationToken)
    {
        foreach (var hosted in host.Hosted)
        {
            try
            {
                host.Apply(await store.GetAsync(hosted.Name, cancellationToken).ConfigureAwait(false));
            }
            catch (KeelException e) when (e.Code == ErrorCode.ResourceDoesNotExist && !cancellationToken.IsCancellationRequested)
            {
                host.Remove(hosted.Name);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                RoutingLog.PollFailed(logger, e, hosted.Name);
            }
        }
    }
}
