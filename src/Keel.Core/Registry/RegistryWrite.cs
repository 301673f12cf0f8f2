namespace Keel.Core.Registry;

/// <summary>
/// One row change that <see cref="RegistryRules"/> asks a registry backend to make. A backend maps
/// each kind to one SQL statement (a rename: two) and applies a <see cref="RegistryChange"/>'s
/// writes in order, in the transaction it read the state in; it decides nothing itself.
/// </summary>
public abstract record RegistryWrite
{
    private protected RegistryWrite()
    {
    }

    /// <summary>Insert a registered model created and updated at <paramref name="Time"/>.</summary>
    public sealed record InsertModel(string Name, long Time, string? Description) : RegistryWrite;

    /// <summary>
    /// Rename a model: its row (versions, tags and aliases follow it), and its audit trail, so a model
    /// keeps one history across renames (the rename event says what it was called).
    /// </summary>
    public sealed record RenameModel(string Name, string NewName, long Time) : RegistryWrite;

    /// <summary>Set a model's description and last-updated time.</summary>
    public sealed record UpdateModelDescription(string Name, string? Description, long Time) : RegistryWrite;

    /// <summary>Delete a model with its versions, tags and aliases (the audit trail stays).</summary>
    public sealed record DeleteModel(string Name) : RegistryWrite;

    /// <summary>Set a model's last-updated time.</summary>
    public sealed record TouchModel(string Name, long Time) : RegistryWrite;

    /// <summary>Insert or replace a model tag.</summary>
    public sealed record UpsertModelTag(string Name, string Key, string Value) : RegistryWrite;

    /// <summary>Delete a model tag.</summary>
    public sealed record DeleteModelTag(string Name, string Key) : RegistryWrite;

    /// <summary>Insert a version in stage None, status READY. <paramref name="Lineage"/> is the lineage's JSON.</summary>
    public sealed record InsertVersion(
        string Name,
        long Version,
        long Time,
        string User,
        string? Description,
        string Source,
        string? RunId,
        string? RunLink,
        string? Lineage) : RegistryWrite;

    /// <summary>Set a version's description and last-updated time.</summary>
    public sealed record UpdateVersionDescription(string Name, long Version, string? Description, long Time) : RegistryWrite;

    /// <summary>Set a version's stage (<see cref="RegistryRules.DeletedStage"/> soft-deletes it) and last-updated time.</summary>
    public sealed record SetVersionStage(string Name, long Version, string Stage, long Time) : RegistryWrite;

    /// <summary>Insert or replace a version tag.</summary>
    public sealed record UpsertVersionTag(string Name, long Version, string Key, string Value) : RegistryWrite;

    /// <summary>Delete a version tag.</summary>
    public sealed record DeleteVersionTag(string Name, long Version, string Key) : RegistryWrite;

    /// <summary>Point an alias at a version (insert, or move it).</summary>
    public sealed record PointAlias(string Name, string Alias, long Version) : RegistryWrite;

    /// <summary>Delete an alias.</summary>
    public sealed record DeleteAlias(string Name, string Alias) : RegistryWrite;

    /// <summary>Append an entry to the audit trail (<c>registry_events</c>).</summary>
    public sealed record AppendEvent(
        string Name,
        long? Version,
        string Kind,
        string? Target,
        string? From,
        string? To,
        string User,
        long Timestamp,
        string? Comment,
        bool Rollback) : RegistryWrite;

    /// <summary>Insert or replace a model's approval policy.</summary>
    public sealed record UpsertApprovalPolicy(Approvals.ApprovalPolicy Policy, string User, long Time) : RegistryWrite;

    /// <summary>Delete a model's approval policy (its requests stay, for the record).</summary>
    public sealed record DeleteApprovalPolicy(string Name) : RegistryWrite;

    /// <summary>Insert an approval request in state pending.</summary>
    public sealed record InsertApprovalRequest(string Name, long Id, long Version, string Target, string Requester, string? Reason, long CreatedAt, long ExpiresAt, int RequiredApprovals) : RegistryWrite;

    /// <summary>Insert one user's decision on a request (one per user: the key is the request and the user).</summary>
    public sealed record InsertApprovalDecision(string Name, long Id, string User, string Decision, long Time, string? Comment) : RegistryWrite;

    /// <summary>Set a request's state and the time it changed.</summary>
    public sealed record SetApprovalState(string Name, long Id, string State, long Time) : RegistryWrite;
}
