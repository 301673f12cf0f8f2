using System.Globalization;
using Keel.Core.Errors;
using Keel.Core.Registry;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// "Who held it at time T" and rollback, both answered from the audit trail.
public sealed partial class SqliteRegistryStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<string>> VersionsInStageAtAsync(string name, string stage, long timestamp, CancellationToken cancellationToken = default)
    {
        var canonical = CanonicalStage(stage);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT version, kind, to_value FROM registry_events
            WHERE name = $n AND timestamp <= $t AND version IS NOT NULL AND kind IN ('version_created', 'stage_transition', 'version_deleted')
            ORDER BY event_id
            """;
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$t", timestamp);
        var stages = new SortedDictionary<long, string>();
        using (var reader = cmd.ExecuteReader())
        {
            while (reader.Read())
            {
                var version = reader.GetInt64(0);
                switch (reader.GetString(1))
                {
                    case RegistryEventKinds.VersionDeleted:
                        stages.Remove(version);
                        break;
                    default:
                        stages[version] = reader.IsDBNull(2) ? "None" : reader.GetString(2);
                        break;
                }
            }
        }

        IReadOnlyList<string> held = stages.Where(kv => kv.Value == canonical).Select(kv => kv.Key.ToString(CultureInfo.InvariantCulture)).ToList();
        return Task.FromResult(held);
    }

    /// <inheritdoc />
    public Task<string?> AliasTargetAtAsync(string name, string alias, long timestamp, CancellationToken cancellationToken = default)
    {
        AliasValidator.Validate(alias);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT to_value FROM registry_events
            WHERE name = $n AND target = $a AND kind IN ('alias_set', 'alias_deleted') AND timestamp <= $t
            ORDER BY event_id DESC LIMIT 1
            """;
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$a", alias);
        cmd.Parameters.AddWithValue("$t", timestamp);
        return Task.FromResult(cmd.ExecuteScalar() as string);
    }

    /// <inheritdoc />
    public async Task<ModelVersion> RollbackStageAsync(string name, string stage, Actor actor, CancellationToken cancellationToken = default)
    {
        var canonical = CanonicalStage(stage);
        if (canonical is not ("Staging" or "Production"))
        {
            throw KeelException.InvalidParameter($"Only Staging and Production can be rolled back, not {canonical}.");
        }

        var target = await database.WriteAsync(tx =>
        {
            RequireModel(tx, name);
            var history = Holders(tx, name, RegistryEventKinds.StageTransition, "stage", canonical);
            var previous = PreviousLiveHolder(tx, name, history)
                ?? throw new KeelException(ErrorCode.InvalidParameterValue, $"Nothing to roll back to: no earlier version of '{name}' held {canonical}.");
            // A rollback puts a version back into production: the promotion guard applies as to any promotion.
            var recorded = PromotionGuard.Check(name, previous.ToString(CultureInfo.InvariantCulture), VersionTagValue(tx, name, previous, PromotionGuard.ValidationStatusTag), PromotionGuard.IsProductionStage(canonical), actor);
            foreach (var current in VersionsIn(tx, name, canonical).Where(v => v != previous))
            {
                MoveStage(tx, name, current, "Archived", recorded, rollback: true);
            }

            MoveStage(tx, name, previous, canonical, recorded, rollback: true);
            return previous;
        }, cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(name, target.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ModelVersion?> RollbackAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken = default)
    {
        AliasValidator.Validate(alias);
        var target = await database.WriteAsync(tx =>
        {
            RequireModel(tx, name);
            var history = Holders(tx, name, null, alias, null);
            if (history.Count < 2)
            {
                throw KeelException.InvalidParameter($"Nothing to roll back to: alias '{alias}' of '{name}' has no earlier target.");
            }

            var previous = PreviousLiveHolder(tx, name, history, allowNone: true);
            if (previous is null)
            {
                RemoveAlias(tx, name, alias, actor, rollback: true);
            }
            else
            {
                var recorded = PromotionGuard.Check(name, previous.Value.ToString(CultureInfo.InvariantCulture), VersionTagValue(tx, name, previous.Value, PromotionGuard.ValidationStatusTag), PromotionGuard.ProductionAliases.Contains(alias), actor);
                PointAlias(tx, name, alias, previous.Value, recorded, rollback: true);
            }

            return previous;
        }, cancellationToken).ConfigureAwait(false);
        return target is null ? null : await GetModelVersionAsync(name, target.Value.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The stack of holders of a stage or alias, replayed from the audit trail: an ordinary change
    /// pushes the new holder (null for a removed alias); a rollback pops back to the holder it
    /// restored. So rolling back twice goes two steps back, not back and forth. An alias's stack
    /// starts with "no alias", so rolling back its first assignment removes it.
    /// </summary>
    private List<long?> Holders(SqliteTransaction tx, string name, string? kind, string target, string? stage)
    {
        var cmd = database.Statement(tx, kind is null
            ? "SELECT version, kind, to_value, rollback FROM registry_events WHERE name = $n AND target = $tg AND kind IN ('alias_set', 'alias_deleted') ORDER BY event_id"
            : "SELECT version, kind, to_value, rollback FROM registry_events WHERE name = $n AND target = $tg AND kind = 'stage_transition' AND to_value = $s ORDER BY event_id");
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$tg", target);
        cmd.Parameters.AddWithValue("$s", (object?)stage ?? DBNull.Value);
        // Before its first assignment an alias points nowhere: rolling that back removes it.
        var stack = kind is null ? new List<long?> { null } : [];
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            long? holder = reader.GetString(1) == RegistryEventKinds.AliasDeleted ? null : reader.GetInt64(0);
            if (reader.GetInt64(3) == 0)
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

    /// <summary>The holder below the current one that still exists (deleted versions are skipped).</summary>
    private long? PreviousLiveHolder(SqliteTransaction tx, string name, List<long?> stack, bool allowNone = false)
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

            var cmd = database.Statement(tx, "SELECT current_stage FROM model_versions WHERE name = $n AND version = $v");
            cmd.Parameters.AddWithValue("$n", name);
            cmd.Parameters.AddWithValue("$v", candidate.Value);
            if (cmd.ExecuteScalar() is string s && s != DeletedStage && candidate != stack[^1])
            {
                return candidate;
            }
        }

        if (allowNone)
        {
            throw KeelException.InvalidParameter($"Nothing to roll back to: no earlier version of '{name}' still exists.");
        }

        return null;
    }
}
