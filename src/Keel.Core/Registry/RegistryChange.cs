using System.Globalization;
using Keel.Core.Validation;

namespace Keel.Core.Registry;

/// <summary>
/// What one registry operation writes: row changes and their audit entries, in the order a backend
/// applies them inside one transaction. Built by <see cref="RegistryRules"/> from the state the
/// backend read in that transaction.
/// </summary>
public sealed class RegistryChange
{
    private readonly List<RegistryWrite> _writes = [];
    private readonly InputLimits _limits;

    internal RegistryChange(long now, InputLimits limits)
    {
        Now = now;
        _limits = limits;
    }

    /// <summary>The time the change is stamped with, in Unix milliseconds.</summary>
    public long Now { get; }

    /// <summary>The writes, in the order to apply them.</summary>
    public IReadOnlyList<RegistryWrite> Writes => _writes;

    /// <summary>The version the operation produced or acted on (a new version's number, a rollback's target); null when none.</summary>
    public long? Version { get; internal set; }

    internal RegistryChange Add(RegistryWrite write)
    {
        _writes.Add(write);
        return this;
    }

    internal void Touch(string name) => Add(new RegistryWrite.TouchModel(name, Now));

    /// <summary>Adds the audit entry; every change records its actor, so this is the one place its user id and comment are checked.</summary>
    internal void Record(string name, long? version, string kind, string? target, string? from, string? to, Actor actor, bool rollback = false)
    {
        RegistryValidator.Actor(actor, _limits);
        Add(new RegistryWrite.AppendEvent(name, version, kind, target, from, to, actor.User, Now, actor.Comment, rollback));
    }

    internal void MoveStage(string name, long version, string from, string to, Actor actor, bool rollback)
    {
        Add(new RegistryWrite.SetVersionStage(name, version, to, Now));
        Touch(name);
        Record(name, version, RegistryEventKinds.StageTransition, "stage", from, to, actor, rollback);
    }

    internal void PointAlias(string name, string alias, long? old, long version, Actor actor, bool rollback)
    {
        Add(new RegistryWrite.PointAlias(name, alias, version));
        Touch(name);
        Record(name, version, RegistryEventKinds.AliasSet, alias, Text(old), Text(version), actor, rollback);
    }

    internal void RemoveAlias(string name, string alias, long? old, Actor actor, bool rollback)
    {
        if (old is null)
        {
            return;
        }

        Add(new RegistryWrite.DeleteAlias(name, alias));
        Touch(name);
        Record(name, old, RegistryEventKinds.AliasDeleted, alias, Text(old), null, actor, rollback);
    }

    private static string? Text(long? version) => version?.ToString(CultureInfo.InvariantCulture);
}
