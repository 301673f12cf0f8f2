using System.Globalization;
using Keel.Core.Registry;

namespace Keel.Storage.Postgres;

// "Who held it at time T" and rollback, both answered from the audit trail (RegistryHistory replays it).
public sealed partial class PostgresRegistryStore
{
    /// <inheritdoc />
    public async Task<IReadOnlyList<string>> VersionsInStageAtAsync(string name, string stage, long timestamp, CancellationToken cancellationToken = default)
    {
        var canonical = RegistryRules.CanonicalStage(stage);
        using var cmd = database.Command("""
            SELECT version, kind, to_value, rollback FROM registry_events
            WHERE name = @n AND timestamp <= @t AND version IS NOT NULL AND kind IN ('version_created', 'stage_transition', 'version_deleted')
            ORDER BY event_id
            """).Text("n", name).Long("t", timestamp);
        return RegistryHistory.StageHoldersAt(await Guard(cmd.ListAsync(ReadEntry, cancellationToken)).ConfigureAwait(false), canonical);
    }

    /// <inheritdoc />
    public async Task<string?> AliasTargetAtAsync(string name, string alias, long timestamp, CancellationToken cancellationToken = default)
    {
        AliasValidator.Validate(alias);
        using var cmd = database.Command("""
            SELECT to_value FROM registry_events
            WHERE name = @n AND target = @a AND kind IN ('alias_set', 'alias_deleted') AND timestamp <= @t
            ORDER BY event_id DESC LIMIT 1
            """).Text("n", name).Text("a", alias).Long("t", timestamp);
        var rows = await Guard(cmd.ListAsync(r => r.GetNullableString(0), cancellationToken)).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0];
    }

    /// <inheritdoc />
    public async Task<ModelVersion> RollbackStageAsync(string name, string stage, Actor actor, CancellationToken cancellationToken = default)
    {
        var canonical = RegistryRules.CanonicalStage(stage);
        RegistryRules.CheckRollbackStage(canonical);
        var change = await WriteAsync(
            async s =>
            {
                var model = await s.LockModelAsync(name).ConfigureAwait(false);
                var history = await s.HistoryAsync("name = @n AND target = 'stage' AND kind = 'stage_transition' AND to_value = @s", c => c.Text("n", name).Text("s", canonical)).ConfigureAwait(false);
                var (stages, statuses) = await s.VersionStatesAsync(name).ConfigureAwait(false);
                return _rules.RollbackStage(name, canonical, actor, model, history, stages, statuses, Now());
            },
            cancellationToken).ConfigureAwait(false);
        return await GetModelVersionAsync(name, change.Version!.Value.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<ModelVersion?> RollbackAliasAsync(string name, string alias, Actor actor, CancellationToken cancellationToken = default)
    {
        AliasValidator.Validate(alias);
        var change = await WriteAsync(
            async s =>
            {
                var model = await s.LockModelAsync(name).ConfigureAwait(false);
                var history = await s.HistoryAsync("name = @n AND target = @a AND kind IN ('alias_set', 'alias_deleted')", c => c.Text("n", name).Text("a", alias)).ConfigureAwait(false);
                var (stages, statuses) = await s.VersionStatesAsync(name).ConfigureAwait(false);
                return _rules.RollbackAlias(name, alias, actor, model, history, stages, statuses, await s.AliasTargetAsync(name, alias).ConfigureAwait(false), Now());
            },
            cancellationToken).ConfigureAwait(false);
        return change.Version is { } target ? await GetModelVersionAsync(name, target.ToString(CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false) : null;
    }
}
