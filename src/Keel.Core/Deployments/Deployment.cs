using System.Text.Json.Serialization;

namespace Keel.Core.Deployments;

/// <summary>A deployment as stored: its normalised spec and where its rollout stands.</summary>
/// <param name="Name">The deployment's name.</param>
/// <param name="Spec">The normalised spec last applied.</param>
/// <param name="StableVersion">The version that serves when no rollout is under way.</param>
/// <param name="CandidateVersion">The version being rolled out; after a rollback or failure, the version that was rolled back (with no traffic). Null otherwise.</param>
/// <param name="PreviousStableVersion">The stable version before the last promotion, kept so a promotion can be rolled back.</param>
/// <param name="State">Where the deployment is in its life.</param>
/// <param name="CandidateWeight">The candidate's share of traffic now, in percent.</param>
/// <param name="StepIndex">The step being run; -1 when no rollout step is.</param>
/// <param name="Revision">Increases by one with every change: the optimistic-concurrency token.</param>
/// <param name="CreatedAt">Unix milliseconds.</param>
/// <param name="UpdatedAt">Unix milliseconds of the last change.</param>
/// <param name="StateChangedAt">Unix milliseconds when the current state or step began (bake times count from here).</param>
/// <param name="Reason">Why the last change was made, as its actor said.</param>
public sealed record Deployment(
    string Name,
    DeploymentSpec Spec,
    string StableVersion,
    string? CandidateVersion,
    string? PreviousStableVersion,
    [property: JsonConverter(typeof(WireEnumConverter<DeploymentState>))] DeploymentState State,
    int CandidateWeight,
    int StepIndex,
    long Revision,
    long CreatedAt,
    long UpdatedAt,
    long StateChangedAt,
    string? Reason)
{
    /// <summary>The registered model served.</summary>
    public string Model => Spec.Model!;

    /// <summary>The strategy of the spec.</summary>
    [JsonConverter(typeof(WireEnumConverter<DeploymentStrategy>))]
    public DeploymentStrategy Strategy => DeploymentStrategies.TryParse(Spec.Strategy, out var s) ? s : DeploymentStrategy.Canary;
}

/// <summary>Writes and reads an enum in lower snake_case (<c>rolled_back</c>, <c>blue_green</c>), unlike MLflow's UPPER_SNAKE enums.</summary>
/// <typeparam name="T">The enum.</typeparam>
public sealed class WireEnumConverter<T>() : JsonStringEnumConverter<T>(System.Text.Json.JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false)
    where T : struct, Enum;
