using Keel.Core.Deployments;

namespace Keel.Core.Storage;

/// <summary>
/// Named, expiring leases in the store, so that one process among many replicas does a job (the
/// deployment controller, the rolling coordinator, the monitoring scheduler). A lease is held until
/// it expires unless its holder renews it.
/// </summary>
public interface ILeaseStore
{
    /// <summary>
    /// Takes the lease <paramref name="lease"/> for <paramref name="holder"/> until now +
    /// <paramref name="duration"/>, if it is free, expired, or already the holder's (then it is renewed).
    /// </summary>
    /// <returns>The lease held, or null when another holder's lease has not expired.</returns>
    Task<ControllerLease?> TryAcquireLeaseAsync(string lease, string holder, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Extends a lease its holder still holds (not expired) to now + <paramref name="duration"/>.</summary>
    /// <returns>The renewed lease, or null when the holder lost it (expired, or taken over).</returns>
    Task<ControllerLease?> RenewLeaseAsync(string lease, string holder, TimeSpan duration, CancellationToken cancellationToken = default);

    /// <summary>Gives a lease up so another contender can take it at once; false when the holder did not hold it.</summary>
    Task<bool> ReleaseLeaseAsync(string lease, string holder, CancellationToken cancellationToken = default);

    /// <summary>The lease as stored (possibly expired), or null when nobody ever took it or it was released.</summary>
    Task<ControllerLease?> GetLeaseAsync(string lease, CancellationToken cancellationToken = default);
}
