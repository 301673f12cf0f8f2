using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Validation;

namespace Keel.Core.Registry;

/// <summary>A registered model as the rules need it, read inside the write transaction.</summary>
/// <param name="Description">Its description (kept as the "from" value of an update's audit entry).</param>
public sealed record RegistryModelState(string? Description);

/// <summary>
/// The model registry's rules, for every backend: numbering (max + 1 over every version ever
/// created, soft-deleted ones included, so numbers are unique, gap-free and never reused), stage
/// transitions (<c>archive_existing_versions</c>), aliases (one target per alias, moved in place),
/// tags and their limit, rename (history follows the model), soft delete, rollback, the promotion
/// guard, and the audit entry every change writes. Given the state a backend read inside its write
/// transaction, each method returns the <see cref="RegistryChange"/> to apply in that transaction,
/// or throws the <see cref="KeelException"/> the request gets; so a backend is SQL and nothing else.
/// </summary>
/// <remarks>
/// Input checks that need no state (<see cref="RegistryValidator"/>, <see cref="AliasValidator"/>,
/// <see cref="ParseVersion"/>, <see cref="CanonicalStage"/>) run before the transaction. Unique and
/// gap-free numbering also needs the backend to serialise creates of one model: SQLite has a single
/// writer; PostgreSQL locks the model's row (<c>SELECT ... FOR UPDATE</c>) before reading the maximum.
/// </remarks>
/// <param name="limits">The input limits (tag counts, user id and comment lengths). <value>Default: <see cref="InputLimits.Default"/>.</value></param>
public sealed partial class RegistryRules(InputLimits? limits = null)
{
    /// <summary>MLflow's stage for soft-deleted versions: kept so their numbers are never reused, hidden from every read.</summary>
    public const string DeletedStage = "Deleted_Internal";

    /// <summary>The stages a version can be in, as MLflow spells them on the wire.</summary>
    public static readonly IReadOnlyList<string> Stages = ["None", "Staging", "Production", "Archived"];

    /// <summary>The input limits the rules check.</summary>
    public InputLimits Limits { get; } = limits ?? InputLimits.Default;

    /// <summary>MLflow's canonical stage spelling; INVALID_PARAMETER_VALUE for anything else.</summary>
    /// <remarks>Keel's names (development, staging, production, archived) are accepted too.</remarks>
    public static string CanonicalStage(string? stage) => ModelStages.ToWireName(ModelStages.Parse(stage));

    /// <summary>A version number: a positive integer; INVALID_PARAMETER_VALUE otherwise.</summary>
    public static long ParseVersion(string? version) =>
        long.TryParse(version, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number > 0
            ? number
            : throw KeelException.InvalidParameter($"Model version must be a positive integer, got '{version}'.");

    /// <summary>RESOURCE_DOES_NOT_EXIST for a model.</summary>
    public static KeelException ModelNotFound(string name) => KeelException.NotFound($"Registered Model with name={name} not found");

    /// <summary>RESOURCE_DOES_NOT_EXIST for a version.</summary>
    public static KeelException VersionNotFound(string name, long version) => KeelException.NotFound($"Model Version (name={name}, version={version}) not found");

    /// <summary>
    /// The highest version in each wanted stage (every stage when <paramref name="stages"/> is empty),
    /// ordered by version, as MLflow's <c>get_latest_versions</c>.
    /// </summary>
    /// <remarks><c>versions</c>: The model's live versions; <c>stages</c>: The stages asked for, in wire spelling.</remarks>
    public static IReadOnlyList<ModelVersion> LatestPerStage(IEnumerable<ModelVersion> versions, IReadOnlyList<string>? stages)
    {
        var wanted = stages is { Count: > 0 } ? stages : Stages;
        return versions
            .Where(v => wanted.Contains(v.CurrentStage, StringComparer.Ordinal))
            .GroupBy(v => v.CurrentStage)
            .Select(g => g.MaxBy(v => ParseVersion(v.Version))!)
            .OrderBy(v => ParseVersion(v.Version))
            .ToList();
    }

    /// <summary>Creates a model with its tags.</summary>
    /// <remarks><c>exists</c>: Whether a model of that name exists.</remarks>
    public RegistryChange CreateModel(string name, IReadOnlyList<RegisteredModelTag>? tags, string? description, Actor actor, bool exists, long now)
    {
        if (exists)
        {
            throw KeelException.AlreadyExists($"Registered Model (name={name}) already exists.");
        }

        var change = New(now).Add(new RegistryWrite.InsertModel(name, now, description));
        AddTags(tags, t => t.Key, t => change.Add(new RegistryWrite.UpsertModelTag(name, t.Key, t.Value)), $"registered model '{name}'");
        change.Record(name, null, RegistryEventKinds.ModelCreated, null, null, name, actor);
        return change;
    }

    /// <summary>Renames a model; its versions, tags, aliases and audit trail follow it.</summary>
    /// <remarks><c>model</c>: The model, null when absent; <c>newNameTaken</c>: Whether a model called <paramref name="newName"/> exists.</remarks>
    public RegistryChange RenameModel(string name, string newName, Actor actor, RegistryModelState? model, bool newNameTaken, long now)
    {
        RequireModel(name, model);
        if (newNameTaken)
        {
            throw KeelException.AlreadyExists($"Registered Model (name={newName}) already exists.");
        }

        var change = New(now).Add(new RegistryWrite.RenameModel(name, newName, now));
        change.Record(newName, null, RegistryEventKinds.ModelRenamed, "name", name, newName, actor);
        return change;
    }

    /// <summary>Sets a model's description.</summary>
    public RegistryChange UpdateModel(string name, string? description, Actor actor, RegistryModelState? model, long now)
    {
        var old = RequireModel(name, model);
        var change = New(now).Add(new RegistryWrite.UpdateModelDescription(name, description, now));
        change.Record(name, null, RegistryEventKinds.ModelUpdated, "description", old.Description, description, actor);
        return change;
    }

    /// <summary>Deletes a model and everything it holds; the audit trail stays.</summary>
    public RegistryChange DeleteModel(string name, Actor actor, RegistryModelState? model, long now)
    {
        RequireModel(name, model);
        var change = New(now).Add(new RegistryWrite.DeleteModel(name));
        change.Record(name, null, RegistryEventKinds.ModelDeleted, null, name, null, actor);
        return change;
    }

    /// <summary>Sets a model tag.</summary>
    /// <remarks><c>oldValue</c>: The tag's value, null when the model has no such tag; <c>tagCount</c>: How many tags the model has now.</remarks>
    public RegistryChange SetModelTag(string name, RegisteredModelTag tag, Actor actor, RegistryModelState? model, string? oldValue, long tagCount, long now)
    {
        ArgumentNullException.ThrowIfNull(tag);
        RequireModel(name, model);
        Limits.CheckTagCount(tagCount + (oldValue is null ? 1 : 0), $"registered model '{name}'");
        var change = New(now).Add(new RegistryWrite.UpsertModelTag(name, tag.Key, tag.Value));
        change.Touch(name);
        change.Record(name, null, RegistryEventKinds.ModelTagSet, tag.Key, oldValue, tag.Value, actor);
        return change;
    }

    /// <summary>Deletes a model tag; RESOURCE_DOES_NOT_EXIST when there is none.</summary>
    public RegistryChange DeleteModelTag(string name, string key, Actor actor, RegistryModelState? model, string? oldValue, long now)
    {
        RequireModel(name, model);
        var old = oldValue ?? throw KeelException.NotFound($"No tag with key '{key}' on registered model '{name}'.");
        var change = New(now).Add(new RegistryWrite.DeleteModelTag(name, key));
        change.Touch(name);
        change.Record(name, null, RegistryEventKinds.ModelTagDeleted, key, old, null, actor);
        return change;
    }

    private RegistryChange New(long now) => new(now, Limits);

    private static RegistryModelState RequireModel(string name, RegistryModelState? model) => model ?? throw ModelNotFound(name);

    /// <summary>Adds tags (a key given twice keeps the last value), refusing more distinct keys than the limit.</summary>
    private void AddTags<T>(IReadOnlyList<T>? tags, Func<T, string> key, Action<T> add, string entity)
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tag in tags ?? [])
        {
            add(tag);
            keys.Add(key(tag));
            Limits.CheckTagCount(keys.Count, entity);
        }
    }
}
