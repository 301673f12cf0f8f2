using System.Globalization;
using System.Text.Json;
using Keel.Core.Json;

namespace Keel.Core.Deployments;

/// <summary>
/// The registry audit-trail entry every deployment change writes beside its own history row, in the
/// same transaction. Every backend writes exactly these values, so <c>keel models history</c> reads
/// the same trail whatever the store.
/// </summary>
/// <param name="Model">The registered model (the trail's name).</param>
/// <param name="Version">The candidate version, or the stable one when there is no candidate; null when not a number.</param>
/// <param name="Kind">The registry kind: <c>deployment_</c> then the change kind.</param>
/// <param name="Target">Where the change happened: <c>deployment:NAME</c>.</param>
/// <param name="From">The state before, as its wire name; null for a creation.</param>
/// <param name="To">The state after, as its wire name.</param>
/// <param name="User">Who made the change.</param>
/// <param name="Timestamp">When, in Unix milliseconds (the deployment's updated-at).</param>
/// <param name="Comment">The reason, the traffic split and the evidence JSON.</param>
/// <param name="Rollback">True for a rollback.</param>
/// <param name="EvidenceJson">The evidence as JSON (for the deployment's own history); null when none.</param>
public sealed record DeploymentAuditEntry(
    string Model,
    long? Version,
    string Kind,
    string Target,
    string? From,
    string To,
    string User,
    long Timestamp,
    string Comment,
    bool Rollback,
    string? EvidenceJson)
{
    /// <summary>The registry trail's target for a deployment's events: <c>deployment:NAME</c>.</summary>
    public static string TargetOf(string deployment) => "deployment:" + deployment;

    /// <summary>The entry for <paramref name="change"/> leaving the deployment as <paramref name="deployment"/>.</summary>
    public static DeploymentAuditEntry For(Deployment deployment, DeploymentChange change)
    {
        ArgumentNullException.ThrowIfNull(deployment);
        ArgumentNullException.ThrowIfNull(change);
        var evidence = change.Evidence is { } e ? JsonSerializer.Serialize(e, KeelJson.Options) : null;

        // The registry trail has no evidence column; the comment carries the reason, the traffic
        // split, and the evidence JSON, so the trail alone says who, when, why and on what grounds.
        var comment = string.Create(CultureInfo.InvariantCulture, $"{change.Reason ?? "no reason given"} [stable {deployment.StableVersion}, candidate {deployment.CandidateVersion ?? "none"} at {deployment.CandidateWeight}%]");
        if (evidence is not null)
        {
            comment += " evidence: " + evidence;
        }

        var version = long.TryParse(deployment.CandidateVersion ?? deployment.StableVersion, NumberStyles.None, CultureInfo.InvariantCulture, out var v) ? v : (long?)null;
        return new DeploymentAuditEntry(
            deployment.Model,
            version,
            DeploymentEventKinds.RegistryPrefix + change.Kind,
            TargetOf(deployment.Name),
            change.From?.ToWireName(),
            deployment.State.ToWireName(),
            change.User,
            deployment.UpdatedAt,
            comment,
            change.Kind == DeploymentEventKinds.RolledBack,
            evidence);
    }
}
