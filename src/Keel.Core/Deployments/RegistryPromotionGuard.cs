using Keel.Core.Approvals;
using Keel.Core.Registry;

namespace Keel.Core.Deployments;

/// <summary>
/// <see cref="IPromotionGuard"/> over the registry's <see cref="PromotionGuard"/> and the model's
/// approval policy: reads the version's validation status and applies the same rule as
/// <c>keel models promote</c>, and, when the model has a policy, finds the approved request the
/// promotion is made on, before the deployment changes, so a refused promotion leaves the
/// deployment as it was. (The registry store applies both again when the alias or stage moves,
/// and consumes the request there.)
/// </summary>
/// <param name="approvals">Where approval policies and requests are; null when the host has none (no policy is applied). <value>Default: null.</value></param>
public sealed class RegistryPromotionGuard(IApprovalStore? approvals = null) : IPromotionGuard
{
    /// <inheritdoc />
    public async Task<Actor> CheckAsync(IRegistryStore registry, string model, string version, string alias, string? stage, Actor actor, string? deployment = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(actor);
        var intoStage = stage is not null && PromotionGuard.IsProductionStage(stage);
        var intoAlias = PromotionGuard.ProductionAliases.Contains(alias);
        if (!intoStage && !intoAlias)
        {
            return actor;
        }

        var mv = await registry.GetModelVersionAsync(model, version, cancellationToken).ConfigureAwait(false);
        var status = mv.Tags.FirstOrDefault(t => t.Key == PromotionGuard.ValidationStatusTag)?.Value;
        var recorded = PromotionGuard.Check(model, version, status, intoProduction: true, actor);
        if (approvals is null || actor.IsRollback || await approvals.GetPolicyAsync(model, cancellationToken).ConfigureAwait(false) is not { } policy)
        {
            return recorded;
        }

        var requests = await approvals.ListRequestsAsync(model, version, ApprovalStates.Approved, cancellationToken).ConfigureAwait(false);
        if (deployment is not null && policy.CoversDeployments)
        {
            var target = ApprovalTargets.Deployment(deployment);
            var request = requests.Where(r => r.Target == target).MinBy(r => r.Id) ?? throw ApprovalRules.Unapproved(model, version, target, policy);
            return recorded with { ApprovalId = request.Id };
        }

        // A policy that leaves deployments out still covers the alias and stage they move: check
        // now what the registry will require, so the deployment is not written when it would refuse.
        foreach (var target in Targets(intoAlias ? alias : null, intoStage))
        {
            if (ApprovalTargets.Covers(policy, target) && !requests.Any(r => r.Target == target))
            {
                throw ApprovalRules.Unapproved(model, version, target, policy);
            }
        }

        return recorded;
    }

    private static IEnumerable<string> Targets(string? alias, bool stage)
    {
        if (alias is not null)
        {
            yield return ApprovalTargets.Alias(alias);
        }

        if (stage)
        {
            yield return ApprovalTargets.ProductionStage;
        }
    }
}
