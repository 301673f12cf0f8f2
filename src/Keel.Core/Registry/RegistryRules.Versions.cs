using System.Text.Json;
using Keel.Core.Approvals;
using Keel.Core.Errors;
using Keel.Core.Json;

namespace Keel.Core.Registry;

/// <summary>A version as the rules need it, read inside the write transaction.</summary>
/// <param name="ModelExists">Whether the registered model exists.</param>
/// <param name="Stage">The version's stage; null when there is no such version, <see cref="RegistryRules.DeletedStage"/> when it was deleted.</param>
public sealed record RegistryVersionState(bool ModelExists, string? Stage);

// Versions: numbering, stages, aliases and version tags.
public sealed partial class RegistryRules
{
    /// <summary>
    /// Creates the next version: max + 1 over every version the model ever had, deleted ones
    /// included, so a number is never reused. The caller must hold the model against concurrent
    /// creates (see the class remarks) between reading <paramref name="maxVersion"/> and applying the change.
    /// </summary>
    /// <remarks><c>command</c>: The version to create (already checked with <see cref="RegistryValidator.CreateVersion"/>); <c>source</c>: The source to store, from <see cref="ModelSourceValidator.ValidateRegistration"/>; <c>runId</c>: The checked run id, null when none; <c>modelExists</c>: Whether the model exists; <c>maxVersion</c>: The highest version number of the model, deleted versions included; null when it has none.</remarks>
    public RegistryChange CreateVersion(CreateModelVersionCommand command, ModelSource source, string? runId, Actor actor, bool modelExists, long? maxVersion, long now)
    {
        ArgumentNullException.ThrowIfNull(command);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(actor);
        var name = command.Name;
        if (!modelExists)
        {
            throw ModelNotFound(name);
        }

        var number = (maxVersion ?? 0) + 1;
        var change = New(now);
        change.Version = number;
        change.Add(new RegistryWrite.InsertVersion(
            name, number, now, actor.User, command.Description, source.Value, runId, command.RunLink,
            command.Lineage is null ? null : JsonSerializer.Serialize(command.Lineage, KeelJson.Options)));
        AddTags(command.Tags, t => t.Key, t => change.Add(new RegistryWrite.UpsertVersionTag(name, number, t.Key, t.Value)), $"model version (name={name}, version={number})");
        change.Touch(name);
        change.Record(name, number, RegistryEventKinds.VersionCreated, "stage", null, "None", actor);
        return change;
    }

    /// <summary>Sets a version's description.</summary>
    public RegistryChange UpdateVersion(string name, long version, string? description, Actor actor, RegistryVersionState state, long now)
    {
        RequireLiveVersion(name, version, state);
        var change = New(now).Add(new RegistryWrite.UpdateVersionDescription(name, version, description, now));
        change.Record(name, version, RegistryEventKinds.VersionUpdated, "description", null, description, actor);
        return change;
    }

    /// <summary>Soft-deletes a version (stage <see cref="DeletedStage"/>, so its number is never reused), first removing the aliases that point at it.</summary>
    /// <remarks><c>aliases</c>: The aliases pointing at the version.</remarks>
    public RegistryChange DeleteVersion(string name, long version, Actor actor, RegistryVersionState state, IReadOnlyList<string> aliases, long now)
    {
        ArgumentNullException.ThrowIfNull(aliases);
        var stage = RequireLiveVersion(name, version, state);
        var change = New(now);
        foreach (var alias in aliases.Order(StringComparer.Ordinal))
        {
            change.RemoveAlias(name, alias, version, actor, rollback: false);
        }

        change.Add(new RegistryWrite.SetVersionStage(name, version, DeletedStage, now));
        change.Touch(name);
        change.Record(name, version, RegistryEventKinds.VersionDeleted, "stage", stage, null, actor);
        return change;
    }

    /// <summary>
    /// Moves a version to <paramref name="stage"/>; with <paramref name="archiveExistingVersions"/> and a
    /// Staging or Production target, the other versions in that stage go to Archived first (each move audited).
    /// Promotion into Production meets the <see cref="PromotionGuard"/> and the model's approval policy (<see cref="ApprovalRules.Gate"/>; <c>approvals</c> is what the backend read for it, null when nothing applies).
    /// </summary>
    /// <remarks><c>stage</c>: The target, canonical (<see cref="CanonicalStage"/>); <c>validationStatus</c>: The version's validation status tag, null when none; <c>versionsInStage</c>: The versions now in <paramref name="stage"/>.</remarks>
    public RegistryChange TransitionStage(string name, long version, string stage, bool archiveExistingVersions, Actor actor, RegistryVersionState state, string? validationStatus, IReadOnlyList<long> versionsInStage, long now, ApprovalCheck? approvals = null)
    {
        ArgumentNullException.ThrowIfNull(versionsInStage);
        var from = RequireLiveVersion(name, version, state);
        var intoProduction = PromotionGuard.IsProductionStage(stage);
        var recorded = PromotionGuard.Check(name, Text(version), validationStatus, intoProduction, actor);
        var change = New(now);
        if (intoProduction)
        {
            recorded = ApprovalRules.Gate(change, name, version, ApprovalTargets.ProductionStage, approvals, recorded);
        }

        if (archiveExistingVersions && stage is "Staging" or "Production")
        {
            foreach (var other in versionsInStage.Where(v => v != version).Order())
            {
                change.MoveStage(name, other, stage, "Archived", recorded, rollback: false);
            }
        }

        change.MoveStage(name, version, from, stage, recorded, rollback: false);
        return change;
    }

    /// <summary>Points an alias at a live version (moving it if it pointed elsewhere); production aliases meet the <see cref="PromotionGuard"/> and the model's approval policy (<see cref="ApprovalRules.Gate"/>).</summary>
    /// <remarks><c>alias</c>: The alias, already checked with <see cref="AliasValidator"/>; <c>currentTarget</c>: The version the alias points at now, null when none.</remarks>
    public RegistryChange SetAlias(string name, string alias, long version, Actor actor, RegistryVersionState state, string? validationStatus, long? currentTarget, long now, ApprovalCheck? approvals = null)
    {
        RequireLiveVersion(name, version, state);
        var intoProduction = PromotionGuard.ProductionAliases.Contains(alias);
        var recorded = PromotionGuard.Check(name, Text(version), validationStatus, intoProduction, actor);
        var change = New(now);
        if (intoProduction)
        {
            recorded = ApprovalRules.Gate(change, name, version, ApprovalTargets.Alias(alias), approvals, recorded);
        }

        change.PointAlias(name, alias, currentTarget, version, recorded, rollback: false);
        return change;
    }

    /// <summary>Deletes an alias; nothing to write (and no audit entry) when the model has no such alias.</summary>
    public RegistryChange DeleteAlias(string name, string alias, Actor actor, bool modelExists, long? currentTarget, long now)
    {
        if (!modelExists)
        {
            throw ModelNotFound(name);
        }

        var change = New(now);
        change.RemoveAlias(name, alias, currentTarget, actor, rollback: false);
        return change;
    }

    /// <summary>Sets a version tag.</summary>
    /// <remarks><c>oldValue</c>: The tag's value, null when the version has no such tag; <c>tagCount</c>: How many tags the version has now.</remarks>
    public RegistryChange SetVersionTag(string name, long version, ModelVersionTag tag, Actor actor, RegistryVersionState state, string? oldValue, long tagCount, long now)
    {
        ArgumentNullException.ThrowIfNull(tag);
        RequireLiveVersion(name, version, state);
        Limits.CheckTagCount(tagCount + (oldValue is null ? 1 : 0), $"model version (name={name}, version={version})");
        var change = New(now).Add(new RegistryWrite.UpsertVersionTag(name, version, tag.Key, tag.Value));
        change.Record(name, version, RegistryEventKinds.VersionTagSet, tag.Key, oldValue, tag.Value, actor);
        return change;
    }

    /// <summary>Deletes a version tag; RESOURCE_DOES_NOT_EXIST when there is none.</summary>
    public RegistryChange DeleteVersionTag(string name, long version, string key, Actor actor, RegistryVersionState state, string? oldValue, long now)
    {
        RequireLiveVersion(name, version, state);
        var old = oldValue ?? throw KeelException.NotFound($"No tag with key '{key}' on model version (name={name}, version={version}).");
        var change = New(now).Add(new RegistryWrite.DeleteVersionTag(name, version, key));
        change.Record(name, version, RegistryEventKinds.VersionTagDeleted, key, old, null, actor);
        return change;
    }

    /// <summary>The version's stage; RESOURCE_DOES_NOT_EXIST (for the model first) when it is absent or deleted.</summary>
    public static string RequireLiveVersion(string name, long version, RegistryVersionState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (state.Stage is { } stage && stage != DeletedStage)
        {
            return stage;
        }

        throw state.ModelExists ? VersionNotFound(name, version) : ModelNotFound(name);
    }

    private static string Text(long version) => version.ToString(System.Globalization.CultureInfo.InvariantCulture);
}
