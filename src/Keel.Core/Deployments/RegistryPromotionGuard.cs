using Keel.Core.Registry;

namespace Keel.Core.Deployments;

/// <summary>
/// <see cref="IPromotionGuard"/> over the registry's <see cref="PromotionGuard"/>: reads the
/// version's validation status and applies the same rule as <c>keel models promote</c>, before
/// the deployment changes, so a refused promotion leaves the deployment as it was. (The registry
/// store applies the rule again when the alias or stage moves.)
/// </summary>
public sealed class RegistryPromotionGuard : IPromotionGuard
{
    /// <inheritdoc />
    public async Task<Actor> CheckAsync(IRegistryStore registry, string model, string version, string alias, string? stage, Actor actor, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var intoProduction = PromotionGuard.ProductionAliases.Contains(alias) || (stage is not null && PromotionGuard.IsProductionStage(stage));
        if (!intoProduction)
        {
            return actor;
        }

        var mv = await registry.GetModelVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
        var status = mv.Tags.FirstOrDefault(t => t.Key == PromotionGuard.ValidationStatusTag)?.Value;
        return PromotionGuard.Check(model, version, status, intoProduction, actor);
    }
}
