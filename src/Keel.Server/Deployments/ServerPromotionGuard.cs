using Keel.Core.Deployments;
using Keel.Core.Registry;
using Keel.Server.Registry;

namespace Keel.Server.Deployments;

/// <summary>Deployments' view of the registry's <see cref="PromotionGuard"/>: the production aliases, or the Production stage, count as production.</summary>
internal sealed class ServerPromotionGuard : IPromotionGuard
{
    /// <inheritdoc />
    public Task<Actor> CheckAsync(IRegistryStore registry, string model, string version, string alias, string? stage, Actor actor, CancellationToken cancellationToken = default) =>
        PromotionGuard.CheckAsync(registry, model, version, PromotionGuard.ProductionAliases.Contains(alias) || stage == "Production", actor, cancellationToken);
}
