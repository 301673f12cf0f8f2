using System.Globalization;

namespace Keel.Core.Registry;

/// <summary>One audit entry as the history replays need it.</summary>
/// <param name="Version">The version concerned (null for model-level entries).</param>
/// <param name="Kind">The <see cref="RegistryEventKinds">kind</see>.</param>
/// <param name="To">The value after the change.</param>
/// <param name="Rollback">Whether a rollback made the change.</param>
public sealed record RegistryHistoryEntry(long? Version, string Kind, string? To, bool Rollback);

/// <summary>
/// Answers from the audit trail alone, so the answers stay right after later changes and deletions:
/// which versions held a stage at a moment, and the stack of holders a rollback walks back.
/// Backends select the entries (SQL); these replays are the same for all of them.
/// </summary>
public static class RegistryHistory
{
    /// <summary>The kinds <see cref="StageHoldersAt"/> replays: a version's creation (stage None), its transitions and its deletion.</summary>
    public static readonly IReadOnlyList<string> StageKinds = [RegistryEventKinds.VersionCreated, RegistryEventKinds.StageTransition, RegistryEventKinds.VersionDeleted];

    /// <summary>The kinds an alias's history is made of.</summary>
    public static readonly IReadOnlyList<string> AliasKinds = [RegistryEventKinds.AliasSet, RegistryEventKinds.AliasDeleted];

    /// <summary>
    /// The versions in <paramref name="stage"/> after replaying <paramref name="entries"/>: the model's
    /// entries of <see cref="StageKinds"/> with a version, up to the moment asked about, oldest first.
    /// </summary>
    public static IReadOnlyList<string> StageHoldersAt(IEnumerable<RegistryHistoryEntry> entries, string stage)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var stages = new SortedDictionary<long, string>();
        foreach (var entry in entries)
        {
            if (entry.Version is not { } version)
            {
                continue;
            }

            if (entry.Kind == RegistryEventKinds.VersionDeleted)
            {
                stages.Remove(version);
            }
            else
            {
                stages[version] = entry.To ?? "None";
            }
        }

        return stages.Where(kv => kv.Value == stage).Select(kv => kv.Key.ToString(CultureInfo.InvariantCulture)).ToList();
    }

    /// <summary>
    /// The stack of holders of a stage or alias, replayed from the audit trail: an ordinary change
    /// pushes the new holder (null for a removed alias); a rollback pops back to the holder it
    /// restored. So rolling back twice goes two steps back, not back and forth. An alias's stack
    /// starts with "no alias", so rolling back its first assignment removes it.
    /// </summary>
    /// <param name="entries">
    /// Oldest first: for a stage, the model's <see cref="RegistryEventKinds.StageTransition"/> entries into
    /// that stage; for an alias, its <see cref="AliasKinds"/> entries (target = the alias).
    /// </param>
    /// <param name="alias">Whether the entries are an alias's.</param>
    public static List<long?> Holders(IEnumerable<RegistryHistoryEntry> entries, bool alias)
    {
        ArgumentNullException.ThrowIfNull(entries);
        var stack = alias ? new List<long?> { null } : [];
        foreach (var entry in entries)
        {
            long? holder = entry.Kind == RegistryEventKinds.AliasDeleted ? null : entry.Version;
            if (!entry.Rollback)
            {
                stack.Add(holder);
                continue;
            }

            while (stack.Count > 0 && stack[^1] != holder)
            {
                stack.RemoveAt(stack.Count - 1);
            }

            if (stack.Count == 0)
            {
                stack.Add(holder);
            }
        }

        return stack;
    }
}
