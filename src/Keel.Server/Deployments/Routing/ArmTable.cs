using Keel.Core.Deployments;
using Keel.Core.Predictions;
using Keel.Server.Serving;

namespace Keel.Server.Deployments.Routing;

/// <summary>
/// What the request path reads for one deployment: the loaded models of its arms and the split,
/// replaced as a whole (never changed) when the deployment changes, so a request sees one
/// consistent view. Requests lease the models they score on (<see cref="TryLease"/>), so a model
/// released by a newer table stays usable until the requests that picked it are done.
/// </summary>
/// <param name="Deployment">The stored deployment this table was built from.</param>
/// <param name="Stable">The stable version's model.</param>
/// <param name="Candidate">The candidate's model while a rollout is under way and it is loaded; null otherwise.</param>
/// <param name="Weight">The candidate's share of live requests, in percent (0 without a candidate, and for shadow).</param>
/// <param name="ShadowShare">The share of requests copied to the candidate (shadow strategy), 0 for none.</param>
internal sealed record ArmTable(Deployment Deployment, ServedModel Stable, ServedModel? Candidate, int Weight, double ShadowShare)
{
    /// <summary>The deployment's name.</summary>
    public string Name => Deployment.Name;

    /// <summary>Where the routing key is read, if anywhere.</summary>
    public RoutingKey? Key => Deployment.Spec.Traffic?.RoutingKey;

    /// <summary>
    /// Whether the candidate reads a request exactly as the stable version does (the same input
    /// columns and types, the same missing-value rule): then rows parsed for the stable version
    /// serve the candidate as they are, and a shadow copy is not parsed again. Computed once per table.
    /// </summary>
    public bool CandidateParsesAsStable { get; } = Candidate is not null && ParsesAlike(Stable, Candidate);

    /// <summary>The model of <paramref name="arm"/> (<see cref="DeploymentArms"/>); null when the arm has none.</summary>
    public ServedModel? ModelOf(string arm) => arm == DeploymentArms.Stable ? Stable : Candidate;

    /// <summary>
    /// Builds the table for <paramref name="deployment"/> from the loaded versions: the candidate
    /// gets live traffic only while the rollout is active and its model is loaded.
    /// </summary>
    public static ArmTable Build(Deployment deployment, ServedModel stable, ServedModel? candidate)
    {
        var active = deployment.State.IsRolloutActive() && candidate is not null;
        var shadow = active && deployment.Strategy == DeploymentStrategy.Shadow;
        return new ArmTable(
            deployment,
            stable,
            active ? candidate : null,
            active && !shadow ? Math.Clamp(deployment.CandidateWeight, 0, 100) : 0,
            shadow ? deployment.Spec.Traffic?.ShadowShare ?? 1.0 : 0);
    }

    private static bool ParsesAlike(ServedModel a, ServedModel b) =>
        ReferenceEquals(a, b)
        || (a.Signature.Inputs.SequenceEqual(b.Signature.Inputs) && Equals(a.Scorer.Task.Missing, b.Scorer.Task.Missing));

    /// <summary>
    /// Leases <paramref name="model"/> for one request; null when the model was already disposed
    /// (released by a newer table and its last lease ended): read the current table again.
    /// </summary>
    public static ModelLease? TryLease(ServedModel model) => model.TryRetain() ? new ModelLease(model) : null;
}
