using Keel.Core.Registry;

namespace Keel.Cli.Models;

// What the registry commands print with --json (snake_case; stages in MLflow's wire spelling, as the REST API).

/// <summary><c>keel models create</c>: the model, and the version registered with <c>--source</c>.</summary>
public sealed record CreateModelResult(RegisteredModel RegisteredModel, ModelVersion? ModelVersion);

/// <summary><c>keel models promote</c>: the version after the move, where it came from, and what was archived.</summary>
public sealed record PromoteResult(ModelVersion ModelVersion, string FromStage, string ToStage, IReadOnlyList<string> ArchivedVersions);

/// <summary><c>keel models alias</c>: the alias's target after (null when deleted) and before (null when unset).</summary>
public sealed record AliasResult(string Name, string Alias, string? Version, string? PreviousVersion);

/// <summary><c>keel models rollback</c>: the holders before, the holder after (null when an alias was removed).</summary>
public sealed record RollbackResult(string Name, string? Stage, string? Alias, IReadOnlyList<string> FromVersions, string? ToVersion, ModelVersion? ModelVersion);

/// <summary><c>keel models delete</c>: what was deleted.</summary>
public sealed record DeleteResult(string Name, string? Version, bool Deleted);
