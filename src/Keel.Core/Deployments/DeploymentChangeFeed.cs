namespace Keel.Core.Deployments;

/// <summary>
/// Tells the parts of one process that act on deployments (routing, the controller) that a
/// deployment was written, the moment the write committed, so a rollback reaches the request path
/// without waiting for the next poll. Writes by other processes are not seen here: readers still
/// poll the store for those.
/// </summary>
public sealed class DeploymentChangeFeed
{
    /// <summary>Raised after a deployment was stored (created or changed), with what was stored. Handlers must be quick and must not throw.</summary>
    public event Action<Deployment>? Changed;

    /// <summary>Reports a stored deployment to every handler.</summary>
    public void Publish(Deployment deployment)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        Changed?.Invoke(deployment);
    }
}
