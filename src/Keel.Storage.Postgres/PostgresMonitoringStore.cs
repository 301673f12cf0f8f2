using System.Text.Json;
using Keel.Core.Json;
using Keel.Core.Monitoring;
using Keel.Core.Paging;
using Keel.Storage.Monitoring;
using Npgsql;

namespace Keel.Storage.Postgres;

/// <summary>
/// Monitoring in PostgreSQL (schema version 5): monitor specs, windows as time series (their feature
/// drift in a child table), alerts with an optimistic revision, and alert history. A batch of windows
/// is written in one round trip (array parameters, one implicit transaction); an alert and its history
/// entry are one statement. The checks before writing are <see cref="MonitoringRecords"/>, shared with SQLite.
/// </summary>
public sealed partial class PostgresMonitoringStore(PostgresDatabase database) : IMonitoringStore
{
    /// <inheritdoc />
    public async Task<StoredMonitor> PutMonitorAsync(MonitorSpec spec, string user, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(user);

        // Normalising a normalised spec changes nothing; a spec that is not one never gets stored.
        var normal = MonitorSpecValidator.Normalize(spec);
        var stored = new StoredMonitor(normal, database.NowMilliseconds(), user);
        using var cmd = database.Command("""
            INSERT INTO monitors (model, spec, updated_at, updated_by) VALUES (@m, @s, @t, @u)
            ON CONFLICT (model) DO UPDATE SET spec = excluded.spec, updated_at = excluded.updated_at, updated_by = excluded.updated_by
            """);
        cmd.Text("m", normal.Model).Text("s", JsonSerializer.Serialize(normal, KeelJson.Options)).Long("t", stored.UpdatedAtMs).Text("u", user);
        await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return stored;
    }

    /// <inheritdoc />
    public async Task<StoredMonitor?> GetMonitorAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var cmd = database.Command("SELECT spec, updated_at, updated_by FROM monitors WHERE model = @m");
        cmd.Text("m", model);
        var rows = await cmd.ListAsync(ReadMonitor, cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <inheritdoc />
    public async Task<PagedResult<StoredMonitor>> ListMonitorsAsync(int maxResults, string? pageToken, CancellationToken cancellationToken = default)
    {
        MonitoringRecords.CheckPageSize(maxResults);
        var offset = PageToken.ToOffset(pageToken);
        using var cmd = database.Command("SELECT spec, updated_at, updated_by FROM monitors ORDER BY model COLLATE \"C\" LIMIT @l OFFSET @o");
        cmd.Long("l", maxResults + 1L).Long("o", offset);
        return PostgresCommands.Page(await cmd.ListAsync(ReadMonitor, cancellationToken).ConfigureAwait(false), maxResults, offset);
    }

    /// <inheritdoc />
    public async Task<bool> DeleteMonitorAsync(string model, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(model);
        using var cmd = database.Command("DELETE FROM monitors WHERE model = @m");
        cmd.Text("m", model);
        return await cmd.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    private static StoredMonitor ReadMonitor(NpgsqlDataReader r) => new(
        JsonSerializer.Deserialize<MonitorSpec>(r.GetString(0), KeelJson.Options)!,
        r.GetInt64(1),
        r.GetString(2));
}
