using Keel.Core.Registry;

namespace Keel.Core.Protocol;

// MLflow's model registry messages (mlflow/protos/model_registry.proto) and Keel's additions.

public sealed record CreateRegisteredModelRequest(string? Name, IReadOnlyList<RegisteredModelTag>? Tags = null, string? Description = null);

public sealed record RegisteredModelResponse(RegisteredModel RegisteredModel);

public sealed record RenameRegisteredModelRequest(string? Name, string? NewName);

public sealed record UpdateRegisteredModelRequest(string? Name, string? Description);

public sealed record RegisteredModelNameRequest(string? Name, string? Comment = null);

public sealed record SearchRegisteredModelsRequest(string? Filter = null, long? MaxResults = null, IReadOnlyList<string>? OrderBy = null, string? PageToken = null);

public sealed record SearchRegisteredModelsResponse(IReadOnlyList<RegisteredModel>? RegisteredModels, string? NextPageToken);

public sealed record GetLatestVersionsRequest(string? Name, IReadOnlyList<string>? Stages = null);

public sealed record ModelVersionsResponse(IReadOnlyList<ModelVersion>? ModelVersions);

public sealed record SetRegisteredModelTagRequest(string? Name, string? Key, string? Value);

public sealed record DeleteRegisteredModelTagRequest(string? Name, string? Key);

public sealed record SetRegisteredModelAliasRequest(string? Name, string? Alias, string? Version, string? Comment = null, bool? Force = null);

public sealed record DeleteRegisteredModelAliasRequest(string? Name, string? Alias, string? Comment = null);

public sealed record CreateModelVersionRequest(
    string? Name,
    string? Source,
    string? RunId = null,
    IReadOnlyList<ModelVersionTag>? Tags = null,
    string? RunLink = null,
    string? Description = null);

public sealed record ModelVersionResponse(ModelVersion ModelVersion);

public sealed record UpdateModelVersionRequest(string? Name, string? Version, string? Description);

public sealed record ModelVersionKeyRequest(string? Name, string? Version, string? Comment = null);

public sealed record TransitionModelVersionStageRequest(string? Name, string? Version, string? Stage, bool? ArchiveExistingVersions = null, string? Comment = null, bool? Force = null);

public sealed record SetModelVersionTagRequest(string? Name, string? Version, string? Key, string? Value);

public sealed record DeleteModelVersionTagRequest(string? Name, string? Version, string? Key);

public sealed record SearchModelVersionsRequest(string? Filter = null, long? MaxResults = null, IReadOnlyList<string>? OrderBy = null, string? PageToken = null);

public sealed record SearchModelVersionsResponse(IReadOnlyList<ModelVersion>? ModelVersions, string? NextPageToken);

public sealed record GetModelVersionDownloadUriResponse(string ArtifactUri);

/// <summary>Keel: the audit trail (<c>GET /api/2.0/keel/registry/events</c>).</summary>
public sealed record RegistryEventsResponse(IReadOnlyList<RegistryEvent>? Events, string? NextPageToken);

/// <summary>Keel: who held a stage or alias at a moment (<c>GET /api/2.0/keel/registry/held-at</c>).</summary>
public sealed record HeldAtResponse(string Name, string? Stage, string? Alias, long Timestamp, IReadOnlyList<string> Versions, IReadOnlyList<HeldAtMove>? Moves = null);

/// <summary>Keel: the move that put a version where held-at found it: who, when, why, and who approved it (empty when no approval was needed).</summary>
public sealed record HeldAtMove(string Version, string User, long Timestamp, string? Comment, IReadOnlyList<string> ApprovedBy);

/// <summary>Keel: roll a stage or an alias back (<c>POST /api/2.0/keel/registry/rollback</c>).</summary>
public sealed record RollbackRequest(string? Name, string? Stage = null, string? Alias = null, string? Comment = null);

/// <summary>The version now holding the stage or alias; absent when a rollback removed the alias.</summary>
public sealed record RollbackResponse(ModelVersion? ModelVersion);

/// <summary>Keel: a version's lineage (<c>GET /api/2.0/keel/registry/lineage</c>).</summary>
public sealed record LineageResponse(ModelVersion ModelVersion, ModelLineage? Lineage);
