using Keel.Core.Registry;

namespace Keel.Core.Deployments;

/// <summary>
/// The registry's promotion guard as deployments see it: a version whose validation gates failed
/// never goes into production (the production alias or stage) unless the actor forces it with a
/// reason. The host supplies the implementation that wraps its guard, so deployments meet the
/// same rule as <c>keel models promote</c>.
/// </summary>
public interface IPromotionGuard
{
    /// <summary>Checks that <paramref name="version"/> may be pointed at by <paramref name="alias"/> (and moved to <paramref name="stage"/>).</summary>
    /// <returns>The actor to record (its comment marked when the promotion was forced).</returns>
    /// <exception cref="Errors.KeelException">INVALID_PARAMETER_VALUE when the gates failed and the promotion is not forced with a reason.</exception>
    Task<Actor> CheckAsync(IRegistryStore registry, string model, string version, string alias, string? stage, Actor actor, CancellationToken cancellationToken = default);
}
