using Keel.Core.Deployments;
using Keel.Core.Errors;
using Keel.Core.Registry;

namespace Keel.Core.Approvals;

/// <summary>
/// What an approval request covers, spelled <c>stage:Production</c>, <c>alias:NAME</c> (a production
/// alias, <see cref="PromotionGuard.ProductionAliases"/>) or <c>deployment:NAME</c> (a deployment's
/// creation, or its promotion of a version to stable).
/// </summary>
public static class ApprovalTargets
{
    /// <summary>The target of a move to the Production stage.</summary>
    public const string ProductionStage = "stage:Production";

    /// <summary>The target of pointing <paramref name="alias"/> at a version.</summary>
    public static string Alias(string alias) => "alias:" + alias.ToLowerInvariant();

    /// <summary>The target of <paramref name="deployment"/>'s promotions.</summary>
    public static string Deployment(string deployment) => "deployment:" + deployment;

    /// <summary>Whether <paramref name="target"/> is a deployment's.</summary>
    public static bool IsDeployment(string target) => target.StartsWith("deployment:", StringComparison.Ordinal);

    /// <summary>
    /// The canonical spelling of a target from a request; INVALID_PARAMETER_VALUE for anything that
    /// does not put a version into production. <c>stage:production</c> and Keel's stage names are accepted.
    /// </summary>
    public static string Parse(string? target)
    {
        var colon = target?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        if (target is null || colon <= 0 || colon == target.Length - 1)
        {
            throw KeelException.InvalidParameter($"Invalid 'target' '{target}': give stage:Production, alias:production, alias:champion or deployment:NAME.");
        }

        var kind = target[..colon];
        var value = target[(colon + 1)..];
        switch (kind)
        {
            case "stage" when PromotionGuard.IsProductionStage(RegistryRules.CanonicalStage(value)):
                return ProductionStage;
            case "alias" when PromotionGuard.ProductionAliases.Contains(value):
                return Alias(value);
            case "deployment":
                return Deployment(DeploymentSpecValidator.Name(value));
            default:
                throw KeelException.InvalidParameter($"Invalid 'target' '{target}': only moves into production need approval (stage:Production, alias:production, alias:champion or deployment:NAME).");
        }
    }

    /// <summary>Whether <paramref name="policy"/> governs moves through <paramref name="target"/>.</summary>
    public static bool Covers(ApprovalPolicy policy, string target)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(target);
        return target == ProductionStage ? policy.CoversStage
            : IsDeployment(target) ? policy.CoversDeployments
            : policy.CoversAliases;
    }
}
