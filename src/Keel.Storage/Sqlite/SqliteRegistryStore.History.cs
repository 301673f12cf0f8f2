using System.Globalization;
using Keel.Core.Registry;
using Microsoft.Data.Sqlite;

namespace Keel.Storage.Sqlite;

// "Who held it at time T" and rollback, both answered from the audit trail (RegistryHistory replays it).
public sealed partial class SqliteRegistryStore
{
    /// <inheritdoc />
    public Task<IReadOnlyList<string>> VersionsInStageAtAsync(string name, string stage, long timestamp, CancellationToken cancellationToken = default)
    {
        var canonical = RegistryRules.CanonicalStage(stage);
        using var connection = database.OpenReadConnection();
        using var cmd = connection.CreateCommand();
        cmd.CommandText = """
            SELECT version, kind, to_value, rollback FROM registry_events
            WHERE name = $n AND timestamp <= $t AND version IS NOT NULL AND kind IN ('version_created', 'stage_transition', 'version_deleted')
            ORDER BY event_id
            """;
        cmd.Parameters.AddWithValue("$n", name);
        cmd.Parameters.AddWithValue("$t", timestamp);
        return Task.FromResult(RegistryHistory.StageHoldersAt(ReadEntries(cmd), canonical));
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
        var canonical = RegistryRules.CanonicalStage(stage);
        RegistryRules.CheckRollbackStage(canonical);
        var change = await Write(tx =>
        {
            var history = ReadEntries(tx, "SELECT version, kind, to_value, rollback FROM registry_events WHERE name = $n AND target = 'stage' AND kind = 'stage_transition' AND to_value = $s ORDER BY event_id", ("$s", canonical), name);
            var (stages, statuses) = VersionStates(tx, name);
            return _rules.RollbackStage(name, canonical, actor, ReadModel(tx, name), history, stages, statuses, Now());
        }, cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(name, change.Version!.Value.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ModelVersion?> RollbackAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken = default)
    {
        AliasValidator.Validate(alias);
        var change = await Write(tx =>
        {
            var history = ReadEntries(tx, "SELECT version, kind, to_value, rollback FROM registry_events WHERE name = $n AND target = $a AND kind IN ('alias_set', 'alias_deleted') ORDER BY event_id", ("$a", alias), name);
            var (stages, statuses) = VersionStates(tx, name);
            return _rules.RollbackAlias(name, alias, actor, ReadModel(tx, name), history, stages, statuses, AliasTarget(tx, name, alias), Now());
        }, cancellationToken).ConfigureAwait(false);
        return change.Version is { } target ? await GetModelVersionAsync(name, target.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false) : null;
    }

    private List<RegistryHistoryEntry> ReadEntries(SqliteTransaction tx, string sql, (string Name, object Value) target, string name) =>
        Rows(tx, sql, ReadEntry, ("$n", name), target);

    private static List<RegistryHistoryEntry> ReadEntries(SqliteCommand cmd)
    {
        var entries = new List<RegistryHistoryEntry>();
        using var reader = cmd.ExecuteReader();
        while (reader.Read())
        {
            entries.Add(ReadEntry(reader));
        }

        return entries;
    }

    private static RegistryHistoryEntry ReadEntry(SqliteDataReader r) =>
        new(r.IsDBNull(0) ? null : r.GetInt64(0), r.GetString(1), r.IsDBNull(2) ? null : r.GetString(2), r.GetInt64(3) != 0);
}
