using System.Text.Json;
using System.Text.Json.Serialization;

namespace Keel.Core.Deployments;

/// <summary>One entry of a deployment's history. The same change is also recorded in the registry's audit trail.</summary>
/// <param name="EventId">Increasing id: the order of events.</param>
/// <param name="Deployment">The deployment's name.</param>
/// <param name="Revision">The deployment's revision after the change.</param>
/// <param name="Kind">One of <see cref="DeploymentEventKinds"/>.</param>
/// <param name="FromState">The state before; null for <c>created</c>.</param>
/// <param name="ToState">The state after.</param>
/// <param name="StableVersion">The stable version after the change.</param>
/// <param name="CandidateVersion">The candidate version after the change.</param>
/// <param name="CandidateWeight">The candidate's traffic share after the change, in percent.</param>
/// <param name="StepIndex">The step after the change; -1 for none.</param>
/// <param name="User">Who made the change (<c>controller:HOLDER</c> for the controller).</param>
/// <param name="Timestamp">Unix milliseconds.</param>
/// <param name="Reason">Why, as the actor said.</param>
/// <param name="Evidence">The gate evidence, as JSON; null when none.</param>
public sealed record DeploymentEvent(
    long EventId,
    string Deployment,
    long Revision,
    string Kind,
    [property: JsonConverter(typeof(WireEnumConverter<DeploymentState>))] DeploymentState? FromState,
    [property: JsonConverter(typeof(WireEnumConverter<DeploymentState>))] DeploymentState ToState,
    string StableVersion,
    string? CandidateVersion,
    int CandidateWeight,
    int StepIndex,
    string User,
    long Timestamp,
    string? Reason,
    JsonElement? Evidence);

/// <summary>The kinds of <see cref="DeploymentEvent"/>; in the registry's trail they are prefixed with <c>deployment_</c>.</summary>
public static class DeploymentEventKinds
{
    public const string Created = "created";
    public const string SpecUpdated = "spec_updated";
    public const string RolloutStarted = "rollout_started";
    public const string StepAdvanced = "step_advanced";
    public const string Paused = "paused";
    public const string Resumed = "resumed";
    public const string Promoted = "promoted";
    public const string RolledBack = "rolled_back";
    public const string Failed = "failed";

    /// <summary>A rolling rollout moved one more replica to the candidate (evidence: which, and how many of how many).</summary>
    public const string ReplicaMoved = "replica_moved";

    /// <summary>Production (the alias or stage) did not point at the stable version, and was moved back to it.</summary>
    public const string ProductionRepaired = "production_repaired";

    /// <summary>The deployment was deleted (kept in the registry's trail only).</summary>
    public const string Deleted = "deleted";

    /// <summary>The prefix of these kinds in the registry's audit trail.</summary>
    public const string RegistryPrefix = "deployment_";
}
