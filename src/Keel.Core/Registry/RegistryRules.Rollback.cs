using Keel.Core.Errors;

namespace Keel.Core.Registry;

// Rollback of a stage or an alias, walking back the stack of holders replayed from the audit trail.
public sealed partial class RegistryRules
{
    /// <summary>
    /// Moves <paramref name="stage"/> back to the live version that held it before the current
    /// holder (the others in the stage go to Archived); every move is audited as a rollback, and
    /// putting a version back into Production meets the <see cref="PromotionGuard"/>.
    /// <see cref="RegistryChange.Version"/> is the restored version.
    /// </summary>
    /// <remarks><c>stage</c>: Canonical; only Staging and Production roll back; <c>history</c>: The model's stage transitions into <paramref name="stage"/>, oldest first (<see cref="RegistryHistory.Holders"/>); <c>versionStages</c>: The stage of each of the model's versions, deleted ones included; <c>validationStatuses</c>: The validation status tag of the model's versions that have one.</remarks>
    public RegistryChange RollbackStage(string name, string stage, Actor actor, RegistryModelState? model, IEnumerable<RegistryHistoryEntry> history,
        IReadOnlyDictionary<long, string> versionStages, IReadOnlyDictionary<long, string> validationStatuses, long now)
    {
        CheckRollbackStage(stage);
        RequireModel(name, model);
        ArgumentNullException.ThrowIfNull(versionStages);
        ArgumentNullException.ThrowIfNull(validationStatuses);
        var stack = RegistryHistory.Holders(history, alias: false);
        var previous = PreviousLiveHolder(name, stack, versionStages, allowNone: false)
            ?? throw new KeelException(ErrorCode.InvalidParameterValue, $"Nothing to roll back to: no earlier version of '{name}' held {stage}.");
        var recorded = PromotionGuard.Check(name, Text(previous), validationStatuses.GetValueOrDefault(previous), PromotionGuard.IsProductionStage(stage), actor);
        var change = New(now);
        change.Version = previous;
        foreach (var current in versionStages.Where(kv => kv.Value == stage && kv.Key != previous).Select(kv => kv.Key).Order())
        {
            change.MoveStage(name, current, stage, "Archived", recorded, rollback: true);
        }

        change.MoveStage(name, previous, versionStages[previous], stage, recorded, rollback: true);
        return change;
    }

    /// <summary>Refuses a rollback of a stage other than Staging and Production (INVALID_PARAMETER_VALUE).</summary>
    public static void CheckRollbackStage(string stage)
    {
        if (stage is not ("Staging" or "Production"))
        {
            throw KeelException.InvalidParameter($"Only Staging and Production can be rolled back, not {stage}.");
        }
    }

    /// <summary>
    /// Points an alias back at the live version it pointed at before, or removes it when it had
    /// no earlier target; audited as a rollback. <see cref="RegistryChange.Version"/> is the restored
    /// version, null when the alias was removed.
    /// </summary>
    /// <remarks><c>history</c>: The alias's entries (<see cref="RegistryHistory.AliasKinds"/>), oldest first; <c>currentTarget</c>: The version the alias points at now, null when none.</remarks>
    public RegistryChange RollbackAlias(string name, string alias, Actor actor, RegistryModelState? model, IEnumerable<RegistryHistoryEntry> history,
        IReadOnlyDictionary<long, string> versionStages, IReadOnlyDictionary<long, string> validationStatuses, long? currentTarget, long now)
    {
        RequireModel(name, model);
        ArgumentNullException.ThrowIfNull(versionStages);
        ArgumentNullException.ThrowIfNull(validationStatuses);
        var stack = RegistryHistory.Holders(history, alias: true);
        if (stack.Count < 2)
        {
            throw KeelException.InvalidParameter($"Nothing to roll back to: alias '{alias}' of '{name}' has no earlier target.");
        }

        var previous = PreviousLiveHolder(name, stack, versionStages, allowNone: true);
        var change = New(now);
        if (previous is null)
        {
            change.RemoveAlias(name, alias, currentTarget, actor, rollback: true);
            return change;
        }

        var recorded = PromotionGuard.Check(name, Text(previous.Value), validationStatuses.GetValueOrDefault(previous.Value), PromotionGuard.ProductionAliases.Contains(alias), actor);
        change.Version = previous;
        change.PointAlias(name, alias, currentTarget, previous.Value, recorded, rollback: true);
        return change;
    }

    /// <summary>The holder below the current one that still exists (deleted versions are skipped).</summary>
    private static long? PreviousLiveHolder(string name, List<long?> stack, IReadOnlyDictionary<long, string> versionStages, bool allowNone)
    {
        for (var i = stack.Count - 2; i >= 0; i--)
        {
            var candidate = stack[i];
            if (candidate is null)
            {
                if (allowNone)
                {
                    return null;
                }

                continue;
            }

            if (versionStages.TryGetValue(candidate.Value, out var s) && s != DeletedStage && candidate != stack[^1])
            {
                return candidate;
            }
        }

        return allowNone
            ? throw KeelException.InvalidParameter($"Nothing to roll back to: no earlier version of '{name}' still exists.")
            : null;
    }
}
