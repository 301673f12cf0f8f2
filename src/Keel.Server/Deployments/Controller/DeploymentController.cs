using Keel.Core.Deployments;
using Keel.Core.Errors;

namespace Keel.Server.Deployments.Controller;

/// <summary>
/// The one deployment controller: runs in every server, acts only while it holds the store lease
/// <c>deployments-controller</c>, so with several servers on one store exactly one acts. Each tick
/// (and at once when a deployment changes in this process) it reconciles every deployment with
/// <see cref="DeploymentReconciler"/>. It keeps no state of its own: after a crash the next holder
/// of the lease continues from the stored deployments. It writes the lease only when there is a
/// deployment to look after, and renews it once half of it has run out rather than every tick, so
/// an idle server does not write to its store.
/// </summary>
public sealed class DeploymentController(
    DeploymentService service,
    DeploymentReconciler reconciler,
    DeploymentChangeFeed feed,
    DeploymentControllerOptions options,
    TimeProvider time,
    ILogger<DeploymentController> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);
    private bool _holding;
    private long _leaseExpiresAt;

    /// <summary>Who this controller is in the lease: host, process id and a random part.</summary>
    public string Holder { get; } = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";

    /// <summary>Whether this controller held the lease at its last tick.</summary>
    public bool IsLeader => _holding;

    /// <summary>Runs until the host stops; gives the lease up on the way out so another server takes over at once.</summary>
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        feed.Changed += OnChanged;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
                {
                    break;
                }
                catch (Exception e)
                {
                    Log.TickFailed(logger, e);
                }

                try
                {
                    await _wake.WaitAsync(options.Tick, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }
        finally
        {
            feed.Changed -= OnChanged;
            if (_holding)
            {
                _holding = false;
                await service.Store.ReleaseLeaseAsync(DeploymentControllerOptions.LeaseName, Holder, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>One pass: keep (or take) the lease when there is a deployment, then reconcile every deployment.</summary>
    public async Task TickAsync(CancellationToken cancellationToken)
    {
        var deployments = await service.ListAsync(100, null, cancellationToken).ConfigureAwait(false);
        if (deployments.Items.Count == 0 && !_holding)
        {
            return; // Nothing to look after: no lease write.
        }

        if (!await HoldLeaseAsync(cancellationToken).ConfigureAwait(false))
        {
            return;
        }

        while (true)
        {
            foreach (var deployment in deployments.Items)
            {
                await ReconcileOneAsync(deployment, cancellationToken).ConfigureAwait(false);
            }

            if (deployments.NextPageToken is not { } page)
            {
                break;
            }

            deployments = await service.ListAsync(100, page, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Takes the lease, or renews it once less than half of it is left (by the clock the store
    /// uses), so a holder never acts on a lease that may have expired and an idle leader writes
    /// once per half lease rather than once per tick.
    /// </summary>
    private async Task<bool> HoldLeaseAsync(CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        if (_holding && now < _leaseExpiresAt - (long)(options.LeaseDuration.TotalMilliseconds / 2))
        {
            return true;
        }

        var lease = _holding
            ? await service.Store.RenewLeaseAsync(DeploymentControllerOptions.LeaseName, Holder, options.LeaseDuration, cancellationToken).ConfigureAwait(false)
            : await service.Store.TryAcquireLeaseAsync(DeploymentControllerOptions.LeaseName, Holder, options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        if (lease is null)
        {
            if (_holding)
            {
                Log.LeaseLost(logger, Holder);
            }

            _holding = false;
            return false;
        }

        if (!_holding)
        {
            reconciler.Forget();
            Log.LeaseTaken(logger, Holder);
        }

        _holding = true;
        _leaseExpiresAt = lease.ExpiresAt;
        return true;
    }

    private async Task ReconcileOneAsync(Deployment deployment, CancellationToken cancellationToken)
    {
        try
        {
            await reconciler.ReconcileAsync(deployment, cancellationToken).ConfigureAwait(false);
        }
        catch (KeelException e) when (e.Code is ErrorCode.InvalidState or ErrorCode.ResourceDoesNotExist)
        {
            // A person (or another writer) moved or deleted the deployment meanwhile: next tick decides on what is stored.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            Log.ReconcileFailed(logger, deployment.Name, e);
        }
    }

    private void OnChanged(Deployment deployment)
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    /// <inheritdoc />
    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
