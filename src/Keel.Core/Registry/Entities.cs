namespace Keel.Core.Registry;

/// <summary>A tag on a registered model.</summary>
public sealed record RegisteredModelTag(string Key, string Value);

/// <summary>A tag on a model version.</summary>
public sealed record ModelVersionTag(string Key, string Value);

/// <summary>An alias (e.g. <c>champion</c>) pointing at one version of a model.</summary>
public sealed record RegisteredModelAlias(string Alias, string Version);

/// <summary>One version of a registered model (MLflow <c>ModelVersion</c>).</summary>
/// <remarks><see cref="CurrentStage"/> holds MLflow's wire value: None, Staging, Production or Archived.</remarks>
public sealed record ModelVersion(
    string Name,
    string Version,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    string? UserId,
    string CurrentStage,
    string? Description,
    string Source,
    string? RunId,
    string Status,
    string? StatusMessage,
    IReadOnlyList<ModelVersionTag> Tags,
    string? RunLink,
    IReadOnlyList<string> Aliases);

/// <summary>A registered model (MLflow <c>RegisteredModel</c>).</summary>
public sealed record RegisteredModel(
    string Name,
    long CreationTimestamp,
    long LastUpdatedTimestamp,
    string? Description,
    IReadOnlyList<ModelVersion> LatestVersions,
    IReadOnlyList<RegisteredModelTag> Tags,
    IReadOnlyList<RegisteredModelAlias> Aliases);

/// <summary>Who makes a registry change and why; every change is recorded with it.</summary>
/// <param name="User">The authenticated user, else the user the client names, else "anonymous".</param>
/// <param name="Comment">An optional reason, kept in the audit trail.</param>
/// <param name="Force">Asks to promote into production although the version's validation gates failed; needs a comment.</param>
public sealed record Actor(string User, string? Comment = null, bool Force = false)
{
    /// <summary>An actor for changes nobody named.</summary>
    public static Actor Anonymous { get; } = new("anonymous");

    /// <summary>
    /// The approval request a deployment's move into production is made on (<see cref="Approvals.ApprovalRules.Gate"/>).
    /// Only Keel.Core sets it (the deployment service, from the request its guard checked), so no
    /// client input can name a request to bypass the gate.
    /// <value>Default: null (the move needs a request for its own target).</value>
    /// </summary>
    public long? ApprovalId { get; internal init; }

    /// <summary>
    /// Whether the move returns production to the version it had before (a deployment's rollback),
    /// which needs no approval, as the registry's own rollbacks need none. Only Keel.Core sets it.
    /// <value>Default: false.</value>
    /// </summary>
    public bool IsRollback { get; internal init; }
}

/// <summary>One entry of the registry's audit trail.</summary>
/// <param name="EventId">Increasing id: the order of events.</param>
/// <param name="Name">The registered model (its current name after renames).</param>
/// <param name="Version">The version concerned, if any.</param>
/// <param name="Kind">What happened; see <see cref="RegistryEventKinds"/>.</param>
/// <param name="Target">The stage, alias or tag key the event is about, if any.</param>
/// <param name="From">The value before (a stage, a version number, a tag value).</param>
/// <param name="To">The value after.</param>
/// <param name="User">Who made the change.</param>
/// <param name="Timestamp">When, in Unix milliseconds.</param>
/// <param name="Comment">Why, when given.</param>
/// <param name="Rollback">True when the change was made by a rollback.</param>
public sealed record RegistryEvent(
    long EventId,
    string Name,
    string? Version,
    string Kind,
    string? Target,
    string? From,
    string? To,
    string User,
    long Timestamp,
    string? Comment,
    bool Rollback);

/// <summary>The kinds of <see cref="RegistryEvent"/>.</summary>
public static class RegistryEventKinds
{
    public const string ModelCreated = "model_created";
    public const string ModelRenamed = "model_renamed";
    public const string ModelUpdated = "model_updated";
    public const string ModelDeleted = "model_deleted";
    public const string ModelTagSet = "model_tag_set";
    public const string ModelTagDeleted = "model_tag_deleted";
    public const string VersionCreated = "version_created";
    public const string VersionUpdated = "version_updated";
    public const string VersionDeleted = "version_deleted";
    public const string VersionTagSet = "version_tag_set";
    public const string VersionTagDeleted = "version_tag_deleted";
    public const string StageTransition = "stage_transition";
    public const string AliasSet = "alias_set";
    public const string AliasDeleted = "alias_deleted";
}

/// <summary>A query over the audit trail.</summary>
public sealed record RegistryEventQuery(
    string? Name = null,
    string? Version = null,
    long? From = null,
    long? To = null,
    int MaxResults = 1000,
    string? PageToken = null);

/// <summary>What a model version was made from: data, run, metrics, signature.</summary>
public sealed record ModelLineage(
    string? RunId,
    string? ExperimentId,
    string? RunName,
    IReadOnlyList<LineageDataset> Datasets,
    IReadOnlyDictionary<string, double> Metrics,
    IReadOnlyDictionary<string, string> Params,
    string? Signature,
    string? KeelVersion);

/// <summary>A dataset a version's run used.</summary>
public sealed record LineageDataset(string Name, string Digest, string? Context, string? Source);
