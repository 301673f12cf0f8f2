using System.Text.Json.Serialization;

namespace Keel.Core.Deployments;

/// <summary>
/// The declarative description of a deployment: what <c>keel deploy apply FILE.yaml</c> reads and
/// the REST API takes as JSON (snake_case). Every property is optional on input;
/// <see cref="DeploymentSpecValidator.Normalize"/> checks it and fills the defaults, and the
/// normalised spec is what a <see cref="Deployment"/> keeps.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DeploymentSpec
{
    /// <summary>The deployment's name: one URL path segment (the rule of serving names).</summary>
    public string? Name { get; init; }

    /// <summary>The registered model the deployment serves. It cannot change once created.</summary>
    public string? Model { get; init; }

    /// <summary>The version that should serve: the stable version at creation; a different version later starts a rollout.</summary>
    public string? Version { get; init; }

    /// <summary><c>blue_green</c>, <c>canary</c>, <c>rolling</c> or <c>shadow</c>.</summary>
    /// <value><c>canary</c>.</value>
    public string? Strategy { get; init; }

    /// <summary>The registry alias that points at the stable version; it moves only through the promotion guard.</summary>
    /// <value><c>production</c>.</value>
    public string? Alias { get; init; }

    /// <summary>A registry stage (e.g. <c>Production</c>) that also follows the stable version; none when null.</summary>
    /// <value>null.</value>
    public string? Stage { get; init; }

    /// <summary>How requests are split between the arms.</summary>
    public TrafficPolicy? Traffic { get; init; }

    /// <summary>The rollout's steps, run in order (canary: at least one <c>set_weight</c>).</summary>
    /// <value>Empty.</value>
    public IReadOnlyList<DeploymentStep>? Steps { get; init; }

    /// <summary>The analysis thresholds an <c>analysis</c> step judges the candidate by.</summary>
    public DeploymentGates? Gates { get; init; }

    /// <summary>How a rolling rollout moves replicas (rolling only; filled with defaults for it).</summary>
    public RollingPolicy? Rolling { get; init; }

    /// <summary>
    /// The blue-green check beyond ready and the input example: the candidate must pass
    /// <c>keel validate</c>'s gates on a data set in Keel's artifact store before traffic switches.
    /// Blue-green only.
    /// </summary>
    /// <value>Null: no data check.</value>
    public BlueGreenChecks? Checks { get; init; }
}

/// <summary>
/// What a blue-green candidate must pass before traffic switches: <c>keel validate</c>'s gates
/// (schema, data quality against the training profile, and, when the data has the target column,
/// the version's own metric thresholds) on <see cref="Data"/>.
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record BlueGreenChecks
{
    /// <summary>
    /// The data set (CSV with a header, or <c>.parquet</c>) inside Keel's artifact store:
    /// <c>runs:/&lt;run id&gt;/&lt;path&gt;</c> or <c>mlflow-artifacts:/&lt;path&gt;</c>. A server
    /// never reads a local path or a URL a client names.
    /// </summary>
    public string? Data { get; init; }

    /// <summary>Metric bounds (metric → value: a floor for scores, a ceiling for losses) replacing the version's own threshold for that metric, as <c>keel validate --threshold</c>.</summary>
    /// <value>None: the version's <c>performance_thresholds</c> only.</value>
    public IReadOnlyDictionary<string, double>? Thresholds { get; init; }

    /// <summary>Whether columns the model does not use fail the schema gate (<c>keel validate --strict</c>).</summary>
    /// <value>false: they warn.</value>
    public bool? Strict { get; init; }
}

/// <summary>
/// How a rolling rollout moves the deployment's replicas: one at a time, each baking ready and
/// healthy before the next moves. Durations are a whole number and a unit (<c>30s</c>, <c>2m</c>).
/// </summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RollingPolicy
{
    /// <summary>How long a moved replica must stay ready and healthy on the candidate before the next replica moves.</summary>
    /// <value><c>30s</c>.</value>
    public string? Bake { get; init; }

    /// <summary>How long a replica may take, from its assignment, to report the candidate served ready and healthy; past it the rollout fails.</summary>
    /// <value><c>2m</c>.</value>
    public string? ReadyTimeout { get; init; }

    /// <summary>A replica not heard from for this long counts as unavailable; a moved one that goes silent fails the rollout.</summary>
    /// <value><c>15s</c>.</value>
    public string? HeartbeatTimeout { get; init; }
}

/// <summary>How requests are split between the stable and the candidate version.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record TrafficPolicy
{
    /// <summary>The candidate's share of requests, in percent, when a rollout starts (before a step sets it). Canary only.</summary>
    /// <value>0.</value>
    public int? CandidateWeight { get; init; }

    /// <summary>What keeps one entity on one arm; null routes each request on its own.</summary>
    public RoutingKey? RoutingKey { get; init; }

    /// <summary>The share of requests (0, 1] the candidate gets a copy of. Shadow only.</summary>
    /// <value>1 for the shadow strategy.</value>
    public double? ShadowShare { get; init; }

    /// <summary>
    /// How long the previous stable version stays loaded after a promotion or a blue-green switch,
    /// so a rollback needs no load: a whole number and a unit (<c>90s</c>, <c>10m</c>; <c>0s</c>
    /// releases it at once), at most 1 day. Also how long a version warmed for the deployment is kept.
    /// </summary>
    /// <value>Null: <see cref="DeploymentSpecValidator.DefaultRollbackWindow"/> (5 minutes).</value>
    public string? RollbackWindow { get; init; }
}

/// <summary>Where the routing key is read: a request header, or an input column. Exactly one.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record RoutingKey
{
    /// <summary>A request header, e.g. <c>X-Customer-Id</c>.</summary>
    public string? Header { get; init; }

    /// <summary>An input column, e.g. <c>customer_id</c>.</summary>
    public string? Column { get; init; }
}

/// <summary>One rollout step, as in Argo Rollouts: exactly one of the three.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record DeploymentStep
{
    /// <summary>Sets the candidate's share of traffic, 0 to 100 percent.</summary>
    public int? SetWeight { get; init; }

    /// <summary>Waits: a bake time, a number of candidate requests, both (whichever is later), or neither (until resumed).</summary>
    public PauseStep? Pause { get; init; }

    /// <summary>Compares the candidate's window with the stable version's against the gates.</summary>
    public AnalysisStep? Analysis { get; init; }
}

/// <summary>A pause. With neither field set it lasts until <c>keel deploy resume</c>.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record PauseStep
{
    /// <summary>A bake time: a whole number and a unit, <c>30s</c>, <c>10m</c>, <c>2h</c> (at most 7 days).</summary>
    public string? Duration { get; init; }

    /// <summary>The candidate requests to wait for.</summary>
    public long? MinRequests { get; init; }
}

/// <summary>An analysis step.</summary>
[JsonUnmappedMemberHandling(JsonUnmappedMemberHandling.Disallow)]
public sealed record AnalysisStep
{
    /// <summary>The gates to judge (names from <see cref="DeploymentGates.Names"/>); null judges every configured gate.</summary>
    public IReadOnlyList<string>? Gates { get; init; }
}
