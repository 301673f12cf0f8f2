using Keel.Core.Registry;

namespace Keel.Core.Deployments;

/// <summary>
/// The registry's promotion guard as deployments see it: a version whose validation gates failed
/// never goes into production (the production alias or stage) unless the actor forces it with a
/// reason, and a model with an approval policy needs an approved request first. The host supplies
/// the implementation that wraps its guard, so deployments meet the same rules as <c>keel models promote</c>.
/// </summary>
public interface IPromotionGuard
{
    /// <summary>Checks that <paramref name="version"/> may be pointed at by <paramref name="alias"/> (and moved to <paramref name="stage"/>).</summary>
    /// <param name="registry">The registry the version is in.</param>
    /// <param name="model">The registered model.</param>
    /// <param name="version">The version going into production.</param>
    /// <param name="alias">The deployment's production alias.</param>
    /// <param name="stage">The deployment's stage, null when it moves none.</param>
    /// <param name="actor">Who asks.</param>
    /// <param name="deployment">The deployment making the move, null when none. <value>Default: null.</value></param>
    /// <param name="cancellationToken">Cancels the reads.</param>
    /// <returns>The actor to record (its comment marked when the promotion was forced, and carrying the approval request the moves are made on).</returns>
    /// <exception cref="Errors.KeelException">INVALID_PARAMETER_VALUE when the gates failed and the promotion is not forced with a reason; PERMISSION_DENIED when the model's approval policy is not met.</exception>
    Task<Actor> CheckAsync(IRegistryStore registry, string model, string version, string alias, string? stage, Actor actor, string? deployment = null, CancellationToken cancellationToken = default);
}
